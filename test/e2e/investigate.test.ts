/**
 * End to end for the investigator outputs, on a store the real daemon builds from three sample
 * clips (one remuxed with a creation_time tag): footage time in the store, the HTML report in a
 * real headless Chromium (Debian's `chromium`, driven by puppeteer-core), and the evidence export.
 * Screenshots go to $FACEIDX_REPORT_SHOTS when set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { cli, killLeftovers, makeConfig, query, SAMPLES, startDaemon } from './harness.js';
import { sha256File } from '../../src/report/evidence.js';
import type { Manifest } from '../../src/report/manifest.js';
import { thumbnailRect, THUMBNAIL_SIZE } from '../../src/daemon/thumbnail.js';
import { openBrowser, type Browser, type Page } from './browser.js';

after(killLeftovers);

const CREATED = '2024-05-01T10:00:00Z';
const cfg = makeConfig([]);
const tagged = join(cfg.dir, 'desk-both.mp4');
const female = join(cfg.dir, 'desk-female.mp4');
let file = '';
let storage = '';

interface Person {
  id: number;
  faces: number;
  cameras: string[];
}

before(async () => {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(SAMPLES, 'head-pose-face-detection-female-and-male.mp4'), '-c', 'copy', '-metadata', `creation_time=${CREATED}`, tagged]);
  copyFileSync(join(SAMPLES, 'head-pose-face-detection-female.mp4'), female);
  const c = makeConfig(
    [
      { id: 'desk-female', url: female },
      { id: 'desk-male', url: join(SAMPLES, 'head-pose-face-detection-male.mp4') },
      { id: 'desk-both', url: tagged },
    ],
    '',
    cfg.dir,
  );
  file = c.file;
  storage = c.storage;
  const d = startDaemon(file, ['--until-done']);
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
}, { timeout: 240_000 });

test('footage time: the tagged clip gives sightings at creation_time + offset; each camera says its clock', async () => {
  const faces = await query<{ ts: number; frame_pos: number; frame_index: number; source: string }>(storage, "SELECT ts, frame_pos, frame_index, source FROM faces WHERE camera_id = 'desk-both'");
  assert.ok(faces.length > 5, `faces on desk-both: ${faces.length}`);
  for (const f of faces) {
    assert.equal(f.ts, Date.parse(CREATED) + Math.round(f.frame_pos * 1000));
    assert.equal(f.frame_index, Math.round(f.frame_pos * 12), 'the clip is 12 fps');
    assert.equal(f.source, tagged);
  }
  const cams = await query<{ id: string; time_source: string }>(storage, 'SELECT id, time_source FROM cameras ORDER BY id');
  assert.deepEqual(cams.map((c) => [c.id, c.time_source]), [['desk-both', 'creation_time'], ['desk-female', 'mtime'], ['desk-male', 'mtime']]);
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  const shown = JSON.parse(cli(['person', String(people[0]!.id), '--config', file, '--json']).stdout) as { timeSources: Record<string, string> };
  assert.equal(shown.timeSources['desk-both'], 'creation_time');
});

/** Loads `url`, failing on console errors, page errors and failed requests. */
async function load(page: Page, url: string, problems: string[]): Promise<void> {
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.ok(res === null || res.ok(), `${url}: ${res?.status()}`);
  assert.deepEqual(problems, [], `problems on ${url}`);
}

/** Scrolls through the page so lazy images load; resolves with the images that did not load. */
async function lazyImagesBroken(page: Page): Promise<string[]> {
  const height = Number(await page.evaluate('document.body.scrollHeight'));
  for (let y = 0; y <= height; y += 800) await page.evaluate(`window.scrollTo(0, ${y})`);
  await page.waitForFunction('Array.from(document.images).every((i) => i.complete)', { timeout: 20_000 });
  await page.evaluate('window.scrollTo(0, 0)');
  return (await page.evaluate('Array.from(document.images).filter((i) => !(i.naturalWidth > 0)).map((i) => i.src)')) as string[];
}

/** Visits every page reachable from `start`; every <a href> and <img src> must be a file of the report (or an inlined image). */
async function walkReport(page: Page, start: string, problems: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    await load(page, url, problems);
    const refs = (await page.$$eval('a[href], img[src]', (els) => els.map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''))).map((ref) => new URL(ref, url).href);
    for (const ref of refs) {
      const target = new URL(ref);
      if (target.protocol === 'data:') {
        assert.match(ref, /^data:image\/jpeg;base64,/, `${url}: an inlined image`);
        continue;
      }
      assert.equal(target.protocol, 'file:', `${url} links outside the report: ${ref}`);
      target.hash = '';
      assert.ok(existsSync(fileURLToPath(target)), `${url} links to a missing file: ${ref}`);
      if (target.pathname.endsWith('.html')) queue.push(target.href);
    }
  }
  return seen;
}

/** Inlined faces (span.face drawn from a data: URI in the page's style): those whose image is missing or does not decode. */
async function inlineFacesBroken(page: Page): Promise<{ faces: number; broken: string[] }> {
  return (await page.evaluate(`(async () => {
    const els = Array.from(document.querySelectorAll('span.face'));
    const broken = await Promise.all(els.map(async (el) => {
      const m = /url\\("?(data:[^")]*)"?\\)/.exec(getComputedStyle(el).backgroundImage);
      if (!m) return 'no image: ' + el.className;
      const i = new Image();
      i.src = m[1];
      try { await i.decode(); } catch { return 'undecodable: ' + el.className; }
      return i.naturalWidth > 0 ? null : 'empty: ' + el.className;
    }));
    return { faces: els.length, broken: broken.filter(Boolean) };
  })()`)) as { faces: number; broken: string[] };
}

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env['FACEIDX_REPORT_SHOTS'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) as `${string}.png`, fullPage: true });
}

test('the report loads in Chromium: no console errors, every link resolves, people with images, a timeline', { timeout: 180_000 }, async () => {
  const out = join(cfg.dir, 'report');
  const r = cli(['report', '--config', file, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  assert.ok(people.length >= 2);
  let browser: Browser | undefined;
  try {
    browser = await openBrowser();
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => void problems.push(`page error: ${String(e)}`));
    page.on('requestfailed', (q) => void problems.push(`request failed: ${q.url()}`));
    const seen = await walkReport(page, pathToFileURL(join(out, 'index.html')).href, problems);
    assert.ok(seen.size >= 1 + 1 + people.length + 3, `pages visited: ${seen.size}`);
    await load(page, pathToFileURL(join(out, 'index.html')).href, problems);
    await shot(page, 'overview');
    await load(page, pathToFileURL(join(out, 'people.html')).href, problems);
    const rows = await page.$$eval('#people tbody tr', (trs) => trs.map((tr) => ({ id: Number(tr.getAttribute('data-id')), w: (tr.querySelector('img') as unknown as { naturalWidth: number } | null)?.naturalWidth ?? 0 })));
    assert.deepEqual(rows.map((x) => x.id).sort(), people.map((p) => p.id).sort());
    for (const row of rows) assert.ok(row.w > 0, `person ${row.id} has no image on the people page`);
    await page.click('th[data-key="first"]');
    const firsts = await page.$$eval('#people tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-first'))));
    assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b), 'sorted by first seen');
    await page.type('#filter', 'desk-male');
    const expected = people.filter((p) => p.cameras.includes('desk-male')).length;
    await page.waitForFunction(`document.getElementById('shown').textContent === '${expected}'`, { timeout: 10_000 }).catch(() => undefined);
    const shown = await page.$eval('#shown', (e) => Number(e.textContent));
    assert.equal(shown, expected, 'the filter keeps the people seen on desk-male');
    await shot(page, 'people');
    const most = people.sort((a, b) => b.cameras.length - a.cameras.length)[0]!;
    await load(page, pathToFileURL(join(out, 'person', `${most.id}.html`)).href, problems);
    const rowsInTimeline = await page.$$eval('svg.timeline g.tl-row', (gs) => gs.map((g) => g.querySelectorAll('rect').length));
    assert.equal(rowsInTimeline.length, most.cameras.length, 'one timeline row per camera');
    for (const ticks of rowsInTimeline) assert.ok(ticks > 0);
    const sightings = await page.$$eval('#sightings tr', (trs) => trs.length - 1);
    assert.equal(sightings, Math.min(most.faces, 500));
    assert.deepEqual(await lazyImagesBroken(page), [], 'every image file of the person page loads');
    const inline = await inlineFacesBroken(page);
    assert.ok(inline.faces >= sightings, `faces drawn: ${inline.faces}`);
    assert.deepEqual(inline.broken, [], 'every inlined face of the person page decodes');
    await shot(page, 'person');
    const camPage = new URL(await page.$eval('#sightings a', (a) => a.getAttribute('href') ?? ''), page.url()).href;
    await load(page, camPage, problems);
    await shot(page, 'camera');
  } finally {
    await browser?.close();
  }
});

test('a second report replaces the first; a folder that is not a report is refused without --force', () => {
  const out = join(cfg.dir, 'report');
  const old = join(out, 'camera', '1-desk-both.html');
  assert.ok(existsSync(old), 'the first report has a page for desk-both');
  assert.equal(cli(['report', '--config', file, '--out', out, '--camera', 'desk-male']).code, 0);
  assert.ok(!existsSync(old), 'the old camera pages are gone');
  assert.ok(existsSync(join(out, 'camera', '3-desk-male.html')));
  const r = cli(['report', '--config', file, '--out', SAMPLES]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a faceidx report.*--force/);
});

async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number> {
  const raw = (img: Buffer) => sharp(img).resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [x, y] = await Promise.all([raw(a), raw(b)]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]! - y[i]!);
  return s / x.length;
}

test('evidence export: every frame re-read from its source holds what the daemon saw in the box', { timeout: 120_000 }, async () => {
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  const person = people.find((p) => p.cameras.includes('desk-both'))!;
  const out = join(cfg.dir, 'evidence');
  const r = cli(['export', '--person', String(person.id), '--out', out, '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(m.sightings.length, person.faces);
  assert.deepEqual(m.missing, []);
  const csv = readFileSync(join(out, 'manifest.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, person.faces + 1);
  const hashes = new Map<string, string>();
  const diffs: number[] = [];
  const shifted: number[] = [];
  for (const s of m.sightings) {
    assert.ok(s.frame && s.crop && s.thumbnail, JSON.stringify(s));
    if (!hashes.has(s.source!)) hashes.set(s.source!, await sha256File(s.source!));
    assert.equal(s.sha256, hashes.get(s.source!));
    const frame = join(out, s.frame);
    const meta = await sharp(frame).metadata();
    const region = await sharp(frame).extract(thumbnailRect(s.box, meta.width!, meta.height!)).toBuffer();
    const thumb = readFileSync(join(out, s.thumbnail));
    diffs.push(await meanAbsDiff(region, thumb));
    assert.equal(await meanAbsDiff(readFileSync(join(out, s.crop)), region) < 3, true, 'the crop is the box region of the frame');
    // Control: the same box in a frame one second away differs more (people move).
    const other = m.sightings.find((o) => o.source === s.source && Math.abs(o.offset - s.offset) >= 1);
    if (other) {
      const oFrame = join(out, other.frame!);
      const oMeta = await sharp(oFrame).metadata();
      shifted.push(await meanAbsDiff(await sharp(oFrame).extract(thumbnailRect(s.box, oMeta.width!, oMeta.height!)).toBuffer(), thumb));
    }
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.max(...diffs) < 6, `re-read box vs the daemon's thumbnail, mean abs difference per channel: max ${Math.max(...diffs).toFixed(2)}`);
  assert.ok(shifted.length > 0 && avg(shifted) > 2 * avg(diffs), `control ${avg(shifted).toFixed(2)} vs ${avg(diffs).toFixed(2)}`);
});

test('evidence export with a source moved away: says which file is missing and exports the rest', { timeout: 120_000 }, async () => {
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  const person = people.find((p) => p.cameras.includes('desk-female') && p.cameras.includes('desk-both'))!;
  renameSync(female, `${female}.moved`);
  const out = join(cfg.dir, 'evidence-moved');
  const r = cli(['export', '--person', String(person.id), '--out', out, '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`source missing.*${female.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(m.missing, [female]);
  const gone = m.sightings.filter((s) => s.camera === 'desk-female');
  const kept = m.sightings.filter((s) => s.camera === 'desk-both');
  assert.ok(gone.length > 0 && kept.length > 0);
  for (const s of gone) assert.deepEqual([s.frame, s.sha256, /missing/.test(s.note ?? '')], [null, null, true]);
  for (const s of kept) assert.ok(s.frame && existsSync(join(out, s.frame)));
});
