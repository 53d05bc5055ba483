/**
 * The review site on a large store: a throwaway store of 10,000 synthetic people with 10 faces
 * each on 12 cameras (src/eval/synthetic-store.ts, real-size JPEG thumbnails), the site served
 * on a loopback port as `faceidx serve` serves it, a logged-in user. Measured, in rounds that
 * alternate the cases (the machine is shared: compare rows of the same run):
 *   - the people page (a page of serve.pageSize people), its HTML over HTTP, plain and filtered;
 *   - the same page opened in headless Chromium to its load event, thumbnails included;
 *   - a person page (route, seen with, candidate merges, the first 100 sightings);
 *   - peer: what an unpaged list costs, the store query of `faceidx people` over every person.
 * Target: the people page opens in under 1 s. FACEIDX_BENCH_WEB_PEOPLE=N changes the size;
 * FACEIDX_BENCH_WEB_KEEP=DIR keeps (and reuses) the store there.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { hashPassword } from '../src/access/passwords.js';
import { configSchema } from '../src/config/schema.js';
import { fillSyntheticStore } from '../src/eval/synthetic-store.js';
import { silentLogger } from '../src/log/logger.js';
import { openStore } from '../src/store/index.js';
import { buildSite, listen } from '../src/web/server.js';
import { chromiumPath } from '../test/e2e/browser.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const people = Number(process.env['FACEIDX_BENCH_WEB_PEOPLE'] ?? 10_000);
const keep = process.env['FACEIDX_BENCH_WEB_KEEP'];
const work = keep ?? mkdtempSync(join(tmpdir(), 'faceidx-web-bench-'));
const ROUNDS = 7;
const PASSWORD = 'bench password 1';

const t0 = Date.now();
const dir = join(work, 'state');
const reuse = existsSync(join(dir, 'faceidx.db'));
const store = await openStore(dir);
if (!reuse) await fillSyntheticStore(store, { people, perPerson: 10, cameras: 12, samplesDir: join(root, 'samples') });
if (!(await store.users.get('bench'))) await store.users.add('bench', 'reviewer', await hashPassword(PASSWORD));
const faces = (await store.faces.count()).faces;
process.stdout.write(`store: ${faces} faces, ${await store.people.countActive()} people, 12 cameras${reuse ? ' (reused)' : ''}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

const config = configSchema.parse({ storage: { dir } });
const site = await buildSite({ config, store, log: silentLogger, engine: async () => ({ analyze: async () => [] }) });
const base = await listen(site, '127.0.0.1', 0);

/** Logs in over HTTP; returns the session's cookie header. */
async function login(): Promise<string> {
  const form = await fetch(`${base}/login`);
  const jar = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, user: 'bench', password: PASSWORD }).toString(),
  });
  return [...jar, ...res.headers.getSetCookie().map((c) => c.split(';')[0]!)].join('; ');
}
const cookie = await login();
const middle = (await store.desk.peoplePage({ sort: 'id', offset: Math.floor(people / 2), limit: 1 })).people[0]!.id;

async function timeGet(path: string, minBytes = 500): Promise<number> {
  const start = performance.now();
  const res = await fetch(base + path, { headers: { cookie } });
  const body = await res.arrayBuffer();
  if (res.status !== 200 || body.byteLength < minBytes) throw new Error(`${path}: HTTP ${res.status}, ${body.byteLength} bytes`);
  return performance.now() - start;
}

const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--headless=new'] });
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
await page.setCacheEnabled(false);
const [name, value] = cookie.split('; ').find((c) => c.startsWith('faceidx_session='))!.split('=') as [string, string];
await page.setCookie({ name, value, url: base });

/** Chromium: navigation start to the load event of the people page, with every thumbnail of the page loaded. */
async function timeBrowser(path: string): Promise<number> {
  const start = performance.now();
  await page.goto(base + path, { waitUntil: 'load' });
  await page.waitForFunction(`Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)`, { timeout: 30_000 });
  return performance.now() - start;
}

const cases: Array<{ what: string; run: () => Promise<number>; target?: number }> = [
  { what: `people page 1 (${config.serve.pageSize} people), HTML over HTTP`, run: () => timeGet('/people'), target: 1000 },
  { what: 'people page 1 in Chromium, to load with thumbnails', run: () => timeBrowser('/people'), target: 1000 },
  { what: `people page ${Math.floor(people / config.serve.pageSize / 2)}, HTML`, run: () => timeGet(`/people?page=${Math.floor(people / config.serve.pageSize / 2)}`), target: 1000 },
  { what: 'people filtered by camera and time, HTML', run: () => timeGet('/people?camera=cam-3&since=2024-05-01T09:00&until=2024-05-01T12:00'), target: 1000 },
  { what: 'people filtered by label text (none match), HTML', run: () => timeGet('/people?label=zz'), target: 1000 },
  { what: 'people sorted by last seen, HTML', run: () => timeGet('/people?sort=recent'), target: 1000 },
  { what: 'a person page (route, seen with, sightings), HTML', run: () => timeGet(`/person/${middle}`), target: 1000 },
  { what: "its candidate merges (fetched by the page's script), JSON", run: () => timeGet(`/api/candidates/${middle}`, 50) },
  { what: 'one face thumbnail', run: () => timeGet(`/face/${middle * 10}.jpg`, 100) },
  {
    what: 'peer: every person in one query (faceidx people), store only',
    run: async () => {
      const s = performance.now();
      await store.people.list();
      return performance.now() - s;
    },
  },
];

const times = new Map<string, number[]>(cases.map((c) => [c.what, []]));
for (const c of cases) await c.run(); // warm-up: the first round fills SQLite's page cache
for (let r = 0; r < ROUNDS; r++) for (const c of cases) times.get(c.what)!.push(await c.run());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`web bench: ${people} people, ${faces} faces; ${ROUNDS} rounds after a warm-up, cases alternating; wall-clock ms on a shared machine\n`);
console.table(
  cases.map((c) => {
    const xs = times.get(c.what)!;
    const m = median(xs);
    return { what: c.what, 'median ms': m.toFixed(0), 'max ms': Math.max(...xs).toFixed(0), target: c.target ? `< ${c.target}` : '', ok: c.target ? (m < c.target ? 'yes' : 'NO') : '' };
  }),
);
await browser.close();
await site.app.close();
await store.close();
if (!keep) rmSync(work, { recursive: true, force: true });
process.exitCode = cases.every((c) => !c.target || median(times.get(c.what)!) < c.target) ? 0 : 1;
