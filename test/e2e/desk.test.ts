/**
 * The review site end to end, in Debian's headless Chromium (puppeteer-core), over a store the
 * real daemon builds from the three desk clips (2 fps: the woman on desk-female and desk-both,
 * the man on desk-male and desk-both, both in the frames of desk-both): log in, the people page,
 * a label that is markup shows as text, search by dropping a photo, merge after the side-by-side
 * view (and undo it), "not this person" on a face, a live alert, and refusals (no session, wrong
 * CSRF token). The site runs in this process (src/web/server.ts, as `faceidx serve` runs it).
 * Screenshots go to $FACEIDX_REPORT_SHOTS when set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/access/passwords.js';
import { loadConfig } from '../../src/config/load.js';
import { FaceEngine } from '../../src/faces/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore, type Store } from '../../src/store/index.js';
import { buildSite, listen, type Site } from '../../src/web/server.js';
import { openBrowser, type Browser, type Page } from './browser.js';
import { killLeftovers, makeConfig, MODEL_DIR, SAMPLES, startDaemon } from './harness.js';

after(killLeftovers);

const PASSWORD = 'correct horse battery';
let store: Store;
let site: Site;
let base = '';
let browser: Browser;
let page: Page;
let engine: Promise<FaceEngine> | undefined;
let photo = '';
const problems: string[] = [];

before(async () => {
  const clips = [['desk-female', 'head-pose-face-detection-female.mp4'], ['desk-male', 'head-pose-face-detection-male.mp4'], ['desk-both', 'head-pose-face-detection-female-and-male.mp4']];
  const c = makeConfig(clips.map(([id, file]) => ({ id: id!, url: join(SAMPLES, file!), fps: 2 })));
  const d = startDaemon(c.file, ['--until-done']);
  assert.equal((await d.exited).code, 0, d.output());
  photo = join(c.dir, 'woman.jpg');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '1', '-i', join(SAMPLES, 'head-pose-face-detection-female.mp4'), '-frames:v', '1', photo]);
  store = await openStore(c.storage);
  await store.users.add('ana', 'admin', await hashPassword(PASSWORD));
  const config = loadConfig(c.file);
  engine = undefined;
  site = await buildSite({
    config, store, log: silentLogger,
    engine: () => (engine ??= FaceEngine.create({ detector: config.detector, inference: config.inference, modelDir: MODEL_DIR, log: silentLogger })),
  });
  base = await listen(site, '127.0.0.1', 0);
  browser = await openBrowser();
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on('pageerror', (e) => void problems.push(`page error: ${String(e)}`));
  page.on('dialog', (dlg) => {
    if (dlg.type() === 'alert') problems.push(`an alert dialog opened: ${dlg.message()}`);
    void dlg.accept();
  });
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await site?.app.close();
  await (await engine?.catch(() => undefined))?.close();
  await store?.close();
});

async function shot(name: string): Promise<void> {
  const dir = process.env['FACEIDX_REPORT_SHOTS'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `desk-${name}.png`) as `${string}.png`, fullPage: true });
}

async function go(path: string): Promise<void> {
  const res = await page.goto(base + path, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, `${path}: ${res?.status()}`);
}

const cardIds = () => page.$$eval('#people .card', (cards) => cards.map((c) => Number(c.getAttribute('data-person'))));

test('log in and open the people page of the sample clips: both people, each with a face', { timeout: 60_000 }, async () => {
  await page.goto(`${base}/people`, { waitUntil: 'load' });
  assert.match(page.url(), /\/login\?next=%2Fpeople$/, 'no session: the login page');
  await page.type('input[name=user]', 'ana');
  await page.type('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.login button')]);
  assert.equal(new URL(page.url()).pathname, '/people');
  const ids = await cardIds();
  assert.equal(ids.length, 2, `people: ${ids.join(', ')}`);
  await page.waitForFunction(`Array.from(document.querySelectorAll('#people .card img')).every((i) => i.complete)`, { timeout: 20_000 });
  const widths = await page.$$eval('#people .card img', (imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
  assert.deepEqual(widths.map((w) => w > 0), [true, true], 'every face image loads');
  assert.deepEqual(problems, []);
  await shot('people');
});

test('a label made of markup shows as text', { timeout: 60_000 }, async () => {
  const [id] = await cardIds();
  await go(`/person/${id}`);
  const evil = '<img src=x onerror=alert(1)>';
  await page.$eval('form[data-api=label] input[name=name]', (i) => void ((i as unknown as { value: string }).value = ''));
  await page.type('form[data-api=label] input[name=name]', evil);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[data-api=label] button')]);
  assert.equal(await page.$eval('h1', (h) => h.textContent), `person ${id} (${evil})`);
  assert.equal(await page.$$eval('h1 img, .card-text img', (x) => x.length), 0);
  await page.waitForSelector('#candidates-table tr[data-person]', { timeout: 20_000 });
  const candidates = await page.$$eval('#candidates-table tr[data-person]', (trs) => trs.map((t) => Number(t.getAttribute('data-person'))));
  assert.equal(candidates.length, 1, 'the other person is the one candidate merge');
  assert.notEqual(candidates[0], id);
  await go('/people');
  assert.equal(await page.$eval(`.card[data-person="${id}"] .label`, (e) => e.textContent), evil);
  assert.equal(await page.evaluate(`document.querySelectorAll('img[src="x"]').length`), 0);
  assert.deepEqual(problems, [], 'no script ran from the label');
});

test('search by dropping a photo on the people page: the woman is found', { timeout: 120_000 }, async () => {
  await go('/people');
  const bytes = readFileSync(photo).toString('base64');
  await page.evaluate(`(() => {
    const data = Uint8Array.from(atob(${JSON.stringify(bytes)}), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'woman.jpg', { type: 'image/jpeg' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
  await page.waitForSelector('#search-results table.search tr.likely', { timeout: 90_000 });
  const best = await page.$eval('#search-results table.search tr:nth-child(2) a', (a) => Number(a.getAttribute('href')!.split('/').pop()));
  const woman = (await store.people.list()).find((p) => p.cameras.includes('desk-female'))!;
  assert.equal(best, woman.id, 'the nearest person is the one seen on desk-female');
  await shot('search');
});

test('merge two people after the side-by-side view: the list loses one; undo brings it back', { timeout: 90_000 }, async () => {
  await go('/people');
  const [a, b] = await cardIds();
  await page.click(`.pick-box[value="${a}"]`);
  await page.click(`.pick-box[value="${b}"]`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#compare')]);
  assert.equal(new URL(page.url()).pathname, '/compare');
  assert.equal(await page.$$eval('.compare .side', (s) => s.length), 2, 'both people side by side');
  assert.ok((await page.$$eval('.compare .side img', (i) => i.length)) >= 4);
  assert.match(await page.$eval('#same-frame', (e) => e.textContent ?? ''), /same frame/, 'the page warns they shared frames');
  await shot('compare');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`button[data-action=merge][data-a="${a}"]`)]);
  assert.equal(new URL(page.url()).pathname, '/people');
  assert.deepEqual(await cardIds(), [a]);
  assert.equal(await page.$eval('#people-total', (e) => e.textContent), '1');
  await page.waitForSelector('.toast.ok');
  assert.match(await page.$eval('.toast.ok', (e) => e.textContent ?? ''), new RegExp(`person ${b} merged into person ${a}`));
  const entry = (await store.audit.list({ action: 'merge', limit: 1 }))[0]!;
  assert.equal(entry.actor, 'web:ana');
  await shot('merged');
  await go('/audit');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`tr[data-entry="${entry.id}"] button[data-action=undo]`)]);
  await go('/people');
  assert.deepEqual((await cardIds()).sort(), [a, b].sort(), 'undone: both people again');
});

test('"not this person" on a face: the face and its track leave the person', { timeout: 60_000 }, async () => {
  const listed = await store.people.list();
  const person = listed.find((p) => p.tracks >= 2)!;
  assert.ok(person, JSON.stringify(listed));
  await go(`/person/${person.id}`);
  const face = await page.$eval('.faces figure', (f) => Number(f.getAttribute('data-face')));
  const track = (await store.faces.get(face))!.trackId!;
  const others = (await store.faces.byPerson(person.id)).filter((f) => f.trackId !== track).map((f) => f.id);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`.faces figure[data-face="${face}"] button[data-action=not]`)]);
  await page.waitForSelector('.toast.ok');
  assert.match(await page.$eval('.toast.ok', (e) => e.textContent ?? ''), new RegExp(`face ${face} is no longer person ${person.id}`));
  const now = await store.people.personOf(face);
  assert.notEqual(now, person.id);
  for (const f of others) assert.notEqual(await store.people.personOf(f), now, `face ${f} of another track stays apart from face ${face}`);
  const note = (await store.audit.list({ action: 'not', limit: 1 }))[0]!;
  assert.deepEqual([note.actor, (note.details as { face: number }).face], ['web:ana', face]);
  await shot('not');
});

test('a live alert arrives on the watch page without a reload', { timeout: 60_000 }, async () => {
  await go('/watch');
  const face = (await store.faces.byPerson((await store.people.list())[0]!.id, { limit: 1 }))[0]!;
  const entry = (await store.watch.add('J. Doe', [{ descriptor: (await store.faces.descriptor(face.id))!, source: 'face', box: face.box }]))!;
  const id = await store.alerts.insert(
    { entryId: entry, entryName: 'J. Doe', cameraId: face.cameraId, trackId: face.trackId!, faceId: face.id, personId: null, ts: face.ts, distance: 0.31, thumbnail: (await store.faces.thumbnail(face.id)) ?? null },
    ['log'],
  );
  await page.waitForSelector(`#alerts tr[data-alert="${id}"]`, { timeout: 20_000 });
  assert.match(await page.$eval('.toast.alert', (e) => e.textContent ?? ''), new RegExp(`ALERT: J\\. Doe seen on camera ${face.cameraId}`));
  assert.ok(await page.$eval(`#alerts tr[data-alert="${id}"] img`, (i) => (i as unknown as { complete: boolean }).complete));
  await shot('alert');
});

test('refused: no session (pages, faces, actions), and a wrong or missing CSRF token', { timeout: 60_000 }, async () => {
  const anon = await browser.createBrowserContext();
  try {
    const p = await anon.newPage();
    await p.goto(`${base}/person/1`, { waitUntil: 'load' });
    assert.equal(new URL(p.url()).pathname, '/login');
    // Strings, not functions: the page gets the code as written (no helpers of the TypeScript loader).
    const statuses = await p.evaluate(`(async () => {
      const get = (u) => fetch(u).then((r) => r.status);
      const post = (u) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1,"b":2}' }).then((r) => r.status);
      return [await get('/face/1.jpg'), await get('/events'), await post('/api/merge')];
    })()`);
    assert.deepEqual(statuses, [401, 401, 401]);
  } finally {
    await anon.close();
  }
  await go('/people');
  const before = (await store.people.list()).length;
  const codes = await page.evaluate(`(async () => {
    const post = (headers) =>
      fetch('/api/merge', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ a: 1, b: 2 }) }).then((r) => r.status);
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    return [await post({}), await post({ 'x-csrf-token': token.slice(0, -4) + 'AAAA' })];
  })()`);
  assert.deepEqual(codes, [403, 403]);
  assert.equal((await store.people.list()).length, before, 'nothing merged');
});
