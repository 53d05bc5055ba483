/**
 * The CLI's new commands: seen-with and route (--json and tables), audit and undo, not --track,
 * and user add/list/passwd/role/remove (passwords from stdin only, never stored or printed).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { hashPassword, verifyPassword } from '../../src/access/passwords.js';
import { openStore, type NewFace } from '../../src/store/index.js';
import { buildFixture, cli, MIN, T0, type Fixture } from './fixture.js';

let f: Fixture;
let dan = 0;

const ROOT = resolve(import.meta.dirname, '..', '..');
function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', input: input ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const face = (cameraId: string, ts: number, faceIdx: number, trackId?: number): NewFace => ({
  cameraId, ts, framePos: ts / 1000, faceIdx, box: { x: 0, y: 0, width: 40, height: 40 }, score: 0.9, quality: 50, clusterable: true,
  descriptor: Float32Array.from({ length: 128 }, () => Math.random() - 0.5), ...(trackId === undefined ? {} : { trackId }),
});

before(async () => {
  f = await buildFixture();
  // dan: in alice's first lobby frame, and 5 s after her third lobby sighting.
  const store = await openStore(f.dir);
  dan = await store.people.create();
  const ids = (await store.faces.insertMany([face('lobby', T0, 90), face('lobby', T0 + 2 * MIN + 5000, 91)])).map((x) => x!);
  await store.people.assign(ids.map((id) => [id, dan] as const));
  await store.close();
});

test('seen-with: ranked companions with their moments; a window of 0 keeps the shared frames only', async () => {
  const r = await cli('seen-with', String(f.ids.alice), '--config', f.config, '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { person: number; windowMs: number; companions: Array<{ person: number; times: number; sameFrames: number; moments: Array<{ camera: string; start: string }> }> };
  assert.equal(j.windowMs, 10_000, 'investigate.seenWithWindow by default');
  assert.deepEqual(j.companions.map((c) => [c.person, c.times, c.sameFrames]), [[dan, 2, 1]]);
  assert.deepEqual(j.companions[0]!.moments.map((m) => [m.camera, m.start]), [['lobby', new Date(T0).toISOString()], ['lobby', new Date(T0 + 2 * MIN).toISOString()]]);
  const zero = JSON.parse((await cli('seen-with', String(f.ids.alice), '--window', '0', '--config', f.config, '--json')).stdout) as typeof j;
  assert.deepEqual(zero.companions.map((c) => [c.person, c.times]), [[dan, 1]]);
  const text = await cli('seen-with', String(f.ids.alice), '--config', f.config);
  assert.match(text.stdout, /was seen with 1 person \(same camera within 10s\)/);
  assert.match(text.stdout, new RegExp(`person ${dan}: lobby`));
  assert.equal((await cli('seen-with', '99999', '--config', f.config)).code, 3);
});

test('route: visits across cameras in time order, with the gap from the previous one', async () => {
  const r = await cli('route', String(f.ids.alice), '--config', f.config, '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { cameras: string[]; legs: Array<{ camera: string; faces: number; position: string; sincePreviousMs: number | null; moved: boolean }> };
  assert.deepEqual(j.cameras, ['lobby', 'door', 'lobby']);
  assert.deepEqual(j.legs.map((l) => [l.camera, l.faces, l.sincePreviousMs, l.moved]), [['lobby', 3, null, false], ['door', 1, MIN, true], ['lobby', 1, 17 * MIN, true]]);
  assert.match(j.legs[0]!.position, /^\d+:\d\d:\d\d\.\d{3}$/, 'a file camera gives the offset');
  const merged = await cli('route', String(f.ids.merged), '--config', f.config, '--json');
  assert.equal((JSON.parse(merged.stdout) as { mergedFrom: number }).mergedFrom, f.ids.merged);
  const text = await cli('route', String(f.ids.alice), '--gap', '30m', '--config', f.config);
  assert.match(text.stdout, /2 visits, route lobby -> door/);
});

test('label and undo through the audit log; not --track', async () => {
  const l = await cli('label', String(f.ids.bob), 'Robert', '--config', f.config, '--json');
  assert.equal(l.code, 0, l.stderr);
  const { audit } = JSON.parse(l.stdout) as { audit: number };
  const log = JSON.parse((await cli('audit', '--config', f.config, '--json')).stdout) as Array<{ id: number; actor: string; action: string }>;
  assert.deepEqual([log[0]!.id, log[0]!.action], [audit, 'label']);
  assert.match(log[0]!.actor, /^cli:/);
  const u = await cli('undo', String(audit), '--config', f.config);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, new RegExp(`label of person ${f.ids.bob} cleared again`));
  assert.equal((await cli('undo', String(audit), '--config', f.config)).code, 2, 'already undone');
  assert.equal((await cli('undo', '424242', '--config', f.config)).code, 3);
  const t = await cli('not', '777', String(f.ids.bob), '--track', '--config', f.config);
  assert.equal(t.code, 3);
  assert.match(t.stderr, /track 777 has no faces of person/);
});

test('user add/list/passwd/role/remove: the password comes from stdin and only its scrypt hash is stored', async () => {
  // Three real processes (stdin); the rest runs in this one.
  const add = run(['user', 'add', 'vera', '--role', 'read-only', '--password-stdin', '--config', f.config], 'first long password\n');
  assert.equal(add.code, 0, add.stderr);
  const short = run(['user', 'add', 'walt', '--password-stdin', '--config', f.config], 'short\n');
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 10 characters/);
  assert.equal(run(['user', 'passwd', 'vera', '--password-stdin', '--config', f.config], 'second long password\n').code, 0);
  const taken = await cli('user', 'add', 'vera', '--password-stdin', '--config', f.config);
  assert.equal(taken.code, 2, 'taken: refused before any password is read');
  assert.match(taken.stderr, /already a user "vera"/);
  const noTty = await cli('user', 'add', 'walt', '--config', f.config);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /--password-stdin/);
  assert.equal((await cli('user', 'role', 'vera', 'reviewer', '--config', f.config)).code, 0);
  assert.equal((await cli('user', 'role', 'vera', 'boss', '--config', f.config)).code, 2);
  const list = await cli('user', 'list', '--json', '--config', f.config);
  assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string; role: string }>).map((u) => [u.name, u.role]), [['vera', 'reviewer']]);
  assert.ok(!list.stdout.includes('scrypt') && !list.stdout.includes('password'));
  const store = await openStore(f.dir, { readonly: true });
  const row = (await store.users.get('vera'))!;
  await store.close();
  assert.equal(await verifyPassword('second long password', row.passwordHash), true);
  assert.equal(await verifyPassword('first long password', row.passwordHash), false);
  assert.equal((await cli('user', 'remove', 'vera', '--config', f.config)).code, 0);
  assert.equal((await cli('user', 'remove', 'vera', '--config', f.config)).code, 3);
});

test('faceidx serve: listens on the address asked, answers the login page and nothing else without a session, stops on SIGTERM', { timeout: 60_000 }, async () => {
  const store = await openStore(f.dir);
  await store.users.add('sam', 'read-only', await hashPassword('sam long password'));
  await store.close();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'serve', '--config', f.config, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let err = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /review site on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) resolveUrl(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    const form = await fetch(`${url}/login`);
    assert.equal(form.status, 200);
    assert.equal((await fetch(`${url}/face/1.jpg`)).status, 401);
    // Logged in, with a page's event stream open: SIGTERM still stops it at once.
    const jar = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const login = await fetch(`${url}/login`, {
      method: 'POST', redirect: 'manual', headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, user: 'sam', password: 'sam long password' }).toString(),
    });
    assert.equal(login.status, 303);
    const cookie = [...jar, ...login.headers.getSetCookie().map((c) => c.split(';')[0]!)].join('; ');
    const events = await fetch(`${url}/events`, { headers: { cookie } });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
