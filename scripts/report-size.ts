/**
 * How big and how slow `faceidx report` gets on a large store: builds a throwaway store of
 * synthetic people (src/eval/synthetic.ts descriptors, 112x112 JPEG thumbnails cut from the
 * sample clips' frames, so their size is a real face thumbnail's), writes the report and prints
 * its size, its largest page and the time taken.
 *
 *   node --import tsx scripts/report-size.ts [--people 10000] [--faces-per-person 10] [--cameras 12] [--keep DIR]
 *
 * With --keep DIR the store and report stay there; a store already in DIR is reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { syntheticFaces } from '../src/eval/synthetic.js';
import { writeReport } from '../src/report/write.js';
import { openStore, type NewFace } from '../src/store/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' }, 'faces-per-person': { type: 'string', default: '10' }, cameras: { type: 'string', default: '12' }, keep: { type: 'string' } } });
const people = Number(values.people);
const perPerson = Number(values['faces-per-person']);
const cameras = Number(values.cameras);
const work = values.keep ?? mkdtempSync(join(tmpdir(), 'faceidx-report-size-'));

/** 64 thumbnails: squares of sample-clip frames around the middle, as the daemon stores them (112 px, quality 85). */
async function thumbnails(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const clip = join(root, 'samples', 'face-demographics-walking.mp4');
  for (let i = 0; i < 8; i++) {
    const png = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(i * 0.4), '-i', clip, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'], { maxBuffer: 64 << 20 });
    for (let j = 0; j < 8; j++) {
      out.push(await sharp(png).extract({ left: 40 * j, top: 40, width: 112, height: 112 }).jpeg({ quality: 85 }).toBuffer());
    }
  }
  return out;
}

const t0 = Date.now();
const reuse = existsSync(join(work, 'state', 'faceidx.db'));
const store = await openStore(join(work, 'state'));
if (!reuse) await fill();
const built = Date.now();
process.stdout.write(`store: ${(await store.faces.count()).faces} faces, ${await store.people.countActive()} people, ${cameras} cameras${reuse ? ' (reused)' : ''}; built in ${((built - t0) / 1000).toFixed(1)} s\n`);

async function fill(): Promise<void> {
  const set = syntheticFaces({ people, perPerson, seed: 7, shuffle: false });
  const thumbs = await thumbnails();
  const start = Date.parse('2024-05-01T08:00:00Z');
  for (let c = 0; c < cameras; c++) await store.cameras.upsert({ id: `cam-${c + 1}`, url: `/footage/cam-${c + 1}.mp4`, kind: 'file' });
  for (let p = 0; p < people; p++) {
    const faces: NewFace[] = [];
    for (let k = 0; k < perPerson; k++) {
      const i = p * perPerson + k;
      const cam = (p * 7 + Math.floor(k / 4)) % cameras;
      const framePos = (p * 3 + k) % 36_000;
      faces.push({
        cameraId: `cam-${cam + 1}`, ts: start + framePos * 1000, framePos, faceIdx: i, box: { x: 100, y: 80, width: 40, height: 48 }, score: 0.9,
        quality: 40 + (i % 50), clusterable: true, descriptor: set.descriptors[i]!, thumbnail: thumbs[i % thumbs.length], source: `/footage/cam-${cam + 1}.mp4`, frameIndex: framePos * 25,
      });
    }
    const id = await store.people.create();
    const ids = (await store.faces.insertMany(faces)).filter((x): x is number => x !== null);
    await store.people.assign(ids.map((f) => [f, id] as const));
  }
  const avgThumb = thumbs.reduce((n, b) => n + b.length, 0) / thumbs.length;
  process.stdout.write(`thumbnails ${avgThumb.toFixed(0)} B on average\n`);
}
const out = join(work, 'report');
const r = await writeReport(store, { out, configPath: '/etc/faceidx/config.yaml' });
await store.close();
const du = execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0];
const peoplePage = execFileSync('du', ['-b', join(out, 'people.html')], { encoding: 'utf8' }).split('\t')[0];
process.stdout.write(
  `report: ${r.pages} pages, ${r.images} image files, ${execFileSync('find', [out, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').length} files, ${(Number(du) / 1e6).toFixed(1)} MB on disk (du -sb); people.html ${(Number(peoplePage) / 1e6).toFixed(2)} MB; ` +
    `largest page ${r.largestPage.file} ${(r.largestPage.bytes / 1e6).toFixed(2)} MB; written in ${((Date.now() - built) / 1000).toFixed(1)} s\n`,
);
if (!values.keep) rmSync(work, { recursive: true, force: true });
