/**
 * The review site's access rules, in process (Fastify's inject: no socket, no browser) over a
 * small real store (test/cli/fixture.ts): no face without a session, CSRF on every change,
 * roles, rate-limited login, cookies (HttpOnly, SameSite=Strict, Secure over TLS), sessions
 * ended by a password change, labels escaped, secrets kept out of the log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { hashPassword } from '../../src/access/passwords.js';
import { loadConfig } from '../../src/config/load.js';
import { openStore, type Role, type Store } from '../../src/store/index.js';
import { USER_RECHECK_MS } from '../../src/web/auth.js';
import { buildSite, type Site } from '../../src/web/server.js';
import { buildFixture, T0, type Fixture } from '../cli/fixture.js';

let f: Fixture;
let store: Store;
let site: Site;
const logged: string[] = [];
const PASSWORD = 'correct horse battery';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function makeSite(extra = '', attempts = 1000): Promise<Site> {
  writeFileSync(f.config, `storage:\n  dir: ${JSON.stringify(f.dir)}\nserve:\n  loginAttempts: ${attempts}\n${extra}cameras: []\n`);
  const config = loadConfig(f.config);
  const log = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => void (logged.push(String(c)), done()) }));
  return buildSite({ config, store, log, engine: async () => ({ analyze: async () => [] }) });
}

before(async () => {
  f = await buildFixture();
  store = await openStore(f.dir);
  const hash = await hashPassword(PASSWORD);
  for (const [name, role] of [['alice', 'admin'], ['rita', 'reviewer'], ['olga', 'read-only']] as Array<[string, Role]>) await store.users.add(name, role, hash);
  site = await makeSite();
});

after(async () => {
  await site.app.close();
  await store.close();
});

/** The cookies a response sets, as a Cookie header value (with what the client had). */
function cookies(res: { headers: Record<string, unknown> }, had = ''): string {
  const set = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const jar = new Map(had ? had.split('; ').map((c) => c.split('=', 2) as [string, string]) : []);
  for (const line of set) {
    const [pair] = line.split(';');
    const [k, v] = pair!.split('=', 2) as [string, string];
    jar.set(k, v);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

const tokenIn = (html: string) => /name="(?:_csrf|csrf-token)" (?:value|content)="([^"]+)"/.exec(html)![1]!;

/** Logs in through the login form; returns the cookie header and the CSRF token of a page. */
async function login(s: Site, user: string, password = PASSWORD): Promise<{ cookie: string; token: string; status: number; setCookie: string[] }> {
  // setCookie: the cookies of the login form (CSRF secret) and of the login (session).
  const form = await s.app.inject({ method: 'GET', url: '/login' });
  let cookie = cookies(form);
  const res = await s.app.inject({
    method: 'POST', url: '/login', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: tokenIn(form.body), user, password, next: '/people' }).toString(),
  });
  cookie = cookies(res, cookie);
  const page = await s.app.inject({ method: 'GET', url: '/people', headers: { cookie } });
  const setCookie = [form, res].flatMap((r) => ([] as string[]).concat((r.headers['set-cookie'] as string | string[] | undefined) ?? []));
  return { cookie, token: page.statusCode === 200 ? tokenIn(page.body) : '', status: res.statusCode, setCookie };
}

test('without a session: pages send to the login, faces, events and actions are refused (401); only the login and static files answer', async () => {
  const page = await site.app.inject({ method: 'GET', url: '/person/1', headers: { accept: 'text/html' } });
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, '/login?next=%2Fperson%2F1');
  for (const url of ['/face/1.jpg', '/alert/1.jpg', '/events', '/people', '/api/candidates/1', '/api/nothing', '/nowhere']) {
    const r = await site.app.inject({ method: 'GET', url });
    assert.equal(r.statusCode, 401, url);
    assert.doesNotMatch(r.headers['content-type'] as string, /image/);
  }
  const merge = await site.app.inject({ method: 'POST', url: '/api/merge', payload: { a: f.ids.alice, b: f.ids.bob } });
  assert.equal(merge.statusCode, 401);
  assert.equal((await site.app.inject({ method: 'GET', url: '/static/desk.js' })).statusCode, 200);
  const loginPage = await site.app.inject({ method: 'GET', url: '/login' });
  assert.equal(loginPage.statusCode, 200);
  const csp = loginPage.headers['content-security-policy'] as string;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(loginPage.body, /<script>|<style>|\sstyle="|\son[a-z]+="/, 'no inline script or style');
});

test('login: a wrong password and an unknown user get the same refusal; a good one gets an HttpOnly, SameSite=Strict session cookie', async () => {
  const wrong = await login(site, 'alice', 'not the password!');
  const nobody = await login(site, 'mallory', PASSWORD);
  assert.equal(wrong.status, 401);
  assert.equal(nobody.status, 401);
  assert.equal(wrong.token, '');
  assert.ok(!wrong.setCookie.some((c) => c.startsWith('faceidx_session=')));
  const ok = await login(site, 'alice');
  assert.equal(ok.status, 303);
  const session = ok.setCookie.find((c) => c.startsWith('faceidx_session='))!;
  assert.match(session, /HttpOnly/);
  assert.match(session, /SameSite=Strict/);
  assert.doesNotMatch(session, /Secure/, 'plain HTTP: no Secure flag (the browser would drop the cookie)');
  const face = await site.app.inject({ method: 'GET', url: '/face/1.jpg', headers: { cookie: ok.cookie } });
  assert.equal(face.statusCode, 200);
  assert.equal(face.headers['content-type'], 'image/jpeg');
  assert.equal(face.headers['cache-control'], 'no-store');
});

test('every change needs the CSRF token of its own session', async () => {
  const a = await login(site, 'alice');
  const b = await login(site, 'rita');
  const label = (cookie: string, token?: string) =>
    site.app.inject({ method: 'POST', url: '/api/label', headers: { cookie, ...(token === undefined ? {} : { 'x-csrf-token': token }) }, payload: { person: f.ids.bob, name: 'Bob' } });
  const refused = await label(a.cookie);
  assert.equal(refused.statusCode, 403, 'no token');
  assert.equal((JSON.parse(refused.body) as { error: string }).error, 'Invalid csrf token');
  assert.equal((await label(a.cookie, 'x' + a.token.slice(1))).statusCode, 403, 'a wrong token');
  assert.equal((await label(a.cookie, b.token)).statusCode, 403, "another session's token");
  assert.equal(await store.people.label(f.ids.bob), undefined, 'nothing changed');
  const ok = await label(a.cookie, a.token);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(await store.people.label(f.ids.bob), 'Bob');
  const entry = (await store.audit.list({ limit: 1 }))[0]!;
  assert.equal(entry.actor, 'web:alice');
  assert.equal(entry.action, 'label');
  const logout = await site.app.inject({ method: 'POST', url: '/logout', headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x=1' });
  assert.equal(logout.statusCode, 403, 'logging out is a change too');
});

test('a read-only user looks but cannot change; a reviewer cannot forget', async () => {
  const o = await login(site, 'olga');
  assert.equal((await site.app.inject({ method: 'GET', url: `/person/${f.ids.alice}`, headers: { cookie: o.cookie } })).statusCode, 200);
  const page = await site.app.inject({ method: 'GET', url: '/people', headers: { cookie: o.cookie } });
  assert.doesNotMatch(page.body, /pick-box|data-action/, 'no review controls for read-only');
  for (const [url, payload] of [['/api/merge', { a: f.ids.alice, b: f.ids.eve }], ['/api/label', { person: f.ids.alice, name: 'x' }], ['/api/not', { face: 1, person: f.ids.alice }], ['/api/undo', { entry: 1 }]] as const) {
    const r = await site.app.inject({ method: 'POST', url, headers: { cookie: o.cookie, 'x-csrf-token': o.token }, payload });
    assert.equal(r.statusCode, 403, url);
    assert.match(r.body, /olga is read-only/);
  }
  const r = await login(site, 'rita');
  const forget = await site.app.inject({ method: 'POST', url: '/api/forget', headers: { cookie: r.cookie, 'x-csrf-token': r.token }, payload: { person: f.ids.carol } });
  assert.equal(forget.statusCode, 403);
  assert.ok(await store.people.exists(f.ids.carol));
});

test('a label is text: markup in it is escaped on every page', async () => {
  const a = await login(site, 'alice');
  const evil = '<img src=x onerror=alert(1)>';
  const r = await site.app.inject({ method: 'POST', url: '/api/label', headers: { cookie: a.cookie, 'x-csrf-token': a.token }, payload: { person: f.ids.eve, name: evil } });
  assert.equal(r.statusCode, 200);
  for (const url of ['/people', `/person/${f.ids.eve}`, `/person/${f.ids.alice}`, '/audit', `/compare?a=${f.ids.alice}&b=${f.ids.eve}`]) {
    const page = await site.app.inject({ method: 'GET', url, headers: { cookie: a.cookie } });
    assert.equal(page.statusCode, 200, url);
    assert.ok(!page.body.includes('<img src=x'), url);
    if (url !== `/person/${f.ids.alice}`) assert.ok(page.body.includes('&lt;img src=x onerror=alert(1)&gt;'), url);
  }
});

test("a changed password or role, or a removed user, ends that user's sessions", async () => {
  const r = await login(site, 'rita');
  const o = await login(site, 'olga');
  assert.equal((await site.app.inject({ method: 'GET', url: '/people', headers: { cookie: r.cookie } })).statusCode, 200);
  await store.users.setPassword('rita', await hashPassword('another long password'));
  await store.users.setRole('olga', 'reviewer');
  await pause(USER_RECHECK_MS + 50); // the user's row is read again at most once a second per session
  assert.equal((await site.app.inject({ method: 'GET', url: '/people', headers: { cookie: r.cookie } })).statusCode, 401);
  assert.equal((await site.app.inject({ method: 'GET', url: '/people', headers: { cookie: o.cookie } })).statusCode, 401);
  const again = await login(site, 'olga');
  await store.users.remove('olga');
  await pause(USER_RECHECK_MS + 50);
  assert.equal((await site.app.inject({ method: 'GET', url: '/people', headers: { cookie: again.cookie } })).statusCode, 401);
});

test('login attempts are rate-limited per client address (serve.loginAttempts)', async () => {
  const s = await makeSite('', 4);
  try {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(s, 'alice', 'wrong password ' + i)).status);
    assert.deepEqual(codes, [401, 401, 401, 401, 429]);
    assert.equal((await login(s, 'alice')).status, 429, 'even the right password waits for the window');
  } finally {
    await s.app.close();
  }
});

test('over TLS the session cookie is Secure and HSTS is sent', async () => {
  // A throwaway self-signed certificate for localhost (openssl req -x509 ... -days 36500), only for this test.
  const cert = join(import.meta.dirname, 'fixtures', 'tls-cert.pem');
  const key = join(import.meta.dirname, 'fixtures', 'tls-key.pem');
  const s = await makeSite(`  tls:\n    cert: ${cert}\n    key: ${key}\n`);
  try {
    const ok = await login(s, 'alice');
    assert.equal(ok.status, 303);
    assert.match(ok.setCookie.find((c) => c.startsWith('faceidx_session='))!, /; Secure/);
    assert.match(ok.setCookie.find((c) => c.startsWith('faceidx_csrf='))!, /; Secure/);
    const page = await s.app.inject({ method: 'GET', url: '/people', headers: { cookie: ok.cookie } });
    assert.match(page.headers['strict-transport-security'] as string, /max-age=/);
  } finally {
    await s.app.close();
  }
});

test('the log names users but holds no password, session id or CSRF token', async () => {
  const a = await login(site, 'alice');
  await login(site, 'alice', 'a wrong password here');
  const text = logged.join('');
  assert.match(text, /"user":"alice".*logged in/);
  assert.match(text, /login failed/);
  for (const secret of [PASSWORD, 'a wrong password here', a.token, ...a.cookie.split('; ').map((c) => c.split('=')[1]!)]) assert.ok(!text.includes(secret), `secret in the log: ${secret.slice(0, 6)}...`);
});

test('the people page filters by camera, time range, label, identified, and pages', async () => {
  const a = await login(site, 'alice');
  const ids = async (q: string) => {
    const r = await site.app.inject({ method: 'GET', url: `/people${q}`, headers: { cookie: a.cookie } });
    assert.equal(r.statusCode, 200, q);
    return [...r.body.matchAll(/<div class="card" data-person="(\d+)">/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
  };
  const { alice, bob, carol, eve } = f.ids;
  const sorted = (...xs: number[]) => xs.sort((x, y) => x - y);
  assert.deepEqual(await ids('?all=1'), sorted(alice, bob, carol, eve));
  assert.deepEqual(await ids(''), sorted(alice, bob, eve), 'carol has fewer faces than clustering.minFaces');
  assert.deepEqual(await ids('?camera=door'), sorted(alice, bob));
  const hour = (h: number) => new Date(T0 + h * 3_600_000).toISOString().slice(0, 16);
  assert.deepEqual(await ids(`?all=1&since=${hour(0.5)}&until=${hour(2.5)}`), sorted(bob, carol));
  assert.deepEqual(await ids(`?camera=lobby&until=${hour(0.5)}`), [alice], 'camera and time together: a sighting on lobby before then');
  assert.deepEqual(await ids('?label=aLiCe'), [alice], 'label text, any case');
  assert.deepEqual(await ids('?label=%25'), [], 'a % is text, not a wildcard');
  assert.deepEqual(await ids('?identified=no'), []);
  assert.deepEqual(await ids('?identified=yes&sort=id'), sorted(alice, bob, eve));
  const page = await site.app.inject({ method: 'GET', url: '/people?since=yesterday', headers: { cookie: a.cookie } });
  assert.match(page.body, /&quot;yesterday&quot; is not a time/);
  assert.equal((await site.app.inject({ method: 'GET', url: '/people?page=0', headers: { cookie: a.cookie } })).statusCode, 400);
  assert.deepEqual(await ids('?page=2'), [], 'past the last page');
  assert.match((await site.app.inject({ method: 'GET', url: '/people?page=2', headers: { cookie: a.cookie } })).body, /id="people-total">3</);
});

test('admin actions through the site: forget a person, watch a face, remove the entry; each in the audit log as web:<user>', async () => {
  const a = await login(site, 'alice');
  const post = (url: string, payload: object) => site.app.inject({ method: 'POST', url, headers: { cookie: a.cookie, 'x-csrf-token': a.token }, payload });
  const face = (await store.faces.byPerson(f.ids.alice, { limit: 1 }))[0]!.id;
  const w = await post('/api/watch', { name: 'Alice again', face });
  assert.equal(w.statusCode, 200, w.body);
  assert.deepEqual((await store.watch.list()).map((e) => [e.name, e.sources]), [['Alice again', [`face ${face}`]]]);
  assert.equal((await post('/api/watch', { name: 'Alice again', face })).statusCode, 400, 'the name is taken');
  assert.equal((await post('/api/watch/remove', { name: 'Alice again' })).statusCode, 200);
  assert.deepEqual(await store.watch.list(), []);
  const gone = await post('/api/forget', { person: f.ids.carol });
  assert.equal(gone.statusCode, 200, gone.body);
  assert.equal(await store.people.exists(f.ids.carol), false);
  assert.equal((await post('/api/forget', { person: f.ids.carol })).statusCode, 404);
  assert.equal((await post('/api/label', { person: 'x', name: 1 })).statusCode, 400, 'malformed body');
  const log = await store.audit.list({ limit: 3 });
  assert.deepEqual(log.map((e) => [e.action, e.actor]), [['forget', 'web:alice'], ['watch-remove', 'web:alice'], ['watch-add', 'web:alice']]);
});

test('live updates: a new person once they reach clustering.minFaces, a retired person, a new alert', async () => {
  const events: Array<{ type: string; id?: number }> = [];
  const stop = site.live.subscribe((e) => void events.push({ type: e.type, id: e.type === 'person' ? e.person.id : e.type === 'retired' ? e.id : e.alert.id }));
  try {
    await site.live.start();
    const id = await store.people.create();
    const one = (await store.faces.insertMany([{ cameraId: 'lobby', ts: Date.now(), framePos: 1, faceIdx: 501, box: { x: 0, y: 0, width: 9, height: 9 }, score: 1, quality: 50, clusterable: true, descriptor: new Float32Array(128) }]))[0]!;
    await store.people.assign([[one, id]]);
    await site.live.tick();
    assert.deepEqual(events, [], 'one face: not shown on the people page yet');
    const more = (await store.faces.insertMany([2, 3].map((k) => ({ cameraId: 'lobby', ts: Date.now() + k, framePos: k, faceIdx: 501 + k, box: { x: 0, y: 0, width: 9, height: 9 }, score: 1, quality: 50, clusterable: true, descriptor: new Float32Array(128) }))));
    await store.people.assign(more.map((m) => [m!, id] as const));
    await site.live.tick();
    assert.deepEqual(events, [{ type: 'person', id }]);
    await store.people.retire(f.ids.eve, f.ids.alice);
    const entry = (await store.watch.add('live test', [{ descriptor: new Float32Array(128), source: 'x.jpg', box: { x: 0, y: 0, width: 9, height: 9 } }]))!;
    const alert = await store.alerts.insert({ entryId: entry, entryName: 'live test', cameraId: 'lobby', trackId: 1, faceId: one, personId: id, ts: Date.now(), distance: 0.2, thumbnail: null }, ['log']);
    await site.live.tick();
    assert.deepEqual(events.slice(1), [{ type: 'retired', id: f.ids.eve }, { type: 'alert', id: alert! }]);
  } finally {
    stop();
    await site.live.stop();
  }
});
