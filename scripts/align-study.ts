/**
 * Alignment study on LFW pairs (throwaway measurement tool, not part of the daemon).
 * Phase A: detect + 68 landmarks per image (cached). Phase B: variants of landmark refinement
 * and chip geometry, embedded and scored with the 10-fold protocol.
 * Usage: node --import tsx scripts/align-study.ts <pairs.txt> <images dir> <cache dir>
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaceEngine, loadImage, type RgbImage } from '../src/faces/index.js';
import { chipTransform, chipTransform68, type Point } from '../src/faces/align.js';
import { warpSimilarity, type Rect } from '../src/faces/preprocess.js';
import { lfwImagePath, nearestCentre, parsePairs, tenFold, euclidean } from '../src/eval/lfw.js';
import { createLogger } from '../src/log/logger.js';

const [pairsFile, imagesDir, cacheDir] = process.argv.slice(2) as [string, string, string];
mkdirSync(cacheDir, { recursive: true });
const pairs = parsePairs(readFileSync(pairsFile, 'utf8'));
const paths = [...new Set(pairs.flatMap((p) => [lfwImagePath(imagesDir, p.a), lfwImagePath(imagesDir, p.b)]))];
const log = createLogger({ level: 'warn', pretty: false, destination: process.stderr });

const engine = await FaceEngine.create({
  detector: { model: 'ssd', inputWidth: 0, minScore: 0.5, nmsIou: 0.5, minFaceSize: 20, maxImageSide: 4096, padPass: 'empty', padFactors: [2, 3], padMirror: true },
  inference: { device: 'cpu', threads: 2, batchSize: 32, batchWait: 5, align: 'similarity', workers: 0 } as never,
  modelDir: join(process.env.HOME!, '.cache/faceidx/models'),
  log,
});

interface A { box: Rect; score: number; pts: Point[] }
const aFile = join(cacheDir, 'phaseA.json');
let phaseA: Record<string, A | null> = existsSync(aFile) ? JSON.parse(readFileSync(aFile, 'utf8')) : {};

async function pool<T>(items: T[], n: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
      if (++done % 500 === 0) process.stderr.write(`${done}/${items.length}\n`);
    }
  }));
}

if (Object.keys(phaseA).length < paths.length) {
  await pool(paths.filter((p) => !(p in phaseA)), 3, async (p) => {
    const img = await loadImage(p);
    const dets = await engine.detect(img);
    const i = nearestCentre(dets.map((d) => d.box), img.width, img.height);
    if (i < 0) { phaseA[p] = null; return; }
    const [lm] = await engine.landmarks(img, [dets[i]!]);
    phaseA[p] = lm ? { box: dets[i]!.box, score: dets[i]!.score, pts: lm.points } : null;
  });
  writeFileSync(aFile, JSON.stringify(phaseA));
}

/** Landmark frame: centre and RMS radius of points 17..67 (no jaw). */
function frame(pts: Point[]): { cx: number; cy: number; s: number } {
  let cx = 0, cy = 0;
  for (let i = 17; i < 68; i++) { cx += pts[i]![0]; cy += pts[i]![1]; }
  cx /= 51; cy /= 51;
  let v = 0;
  for (let i = 17; i < 68; i++) v += (pts[i]![0] - cx) ** 2 + (pts[i]![1] - cy) ** 2;
  return { cx, cy, s: Math.sqrt(v / 51) };
}
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const found = Object.values(phaseA).filter((a): a is A => a !== null);
const ratios = { dx: [] as number[], dy: [] as number[], w: [] as number[], h: [] as number[] };
for (const a of found) {
  const f = frame(a.pts);
  ratios.dx.push((a.box.x + a.box.width / 2 - f.cx) / f.s);
  ratios.dy.push((a.box.y + a.box.height / 2 - f.cy) / f.s);
  ratios.w.push(a.box.width / f.s);
  ratios.h.push(a.box.height / f.s);
}
const R = { dx: median(ratios.dx), dy: median(ratios.dy), w: median(ratios.w), h: median(ratios.h) };
console.error('box from landmarks (median ratios):', R);

function refinedBox(pts: Point[]): Rect {
  const f = frame(pts);
  const w = R.w * f.s, h = R.h * f.s;
  return { x: f.cx + R.dx * f.s - w / 2, y: f.cy + R.dy * f.s - h / 2, width: w, height: h };
}

const dlib68Transform = (pts: Point[]) => chipTransform68(pts);
const avg = (p: Point[], q: Point[]): Point[] => p.map((a, i) => [(a[0] + q[i]![0]) / 2, (a[1] + q[i]![1]) / 2]);

const variants = ['sim5_1', 'd68_1', 'sim5_2', 'd68_2', 'sim5_avg', 'd68_avg', 'faceapi_1', 'sim5_3', 'd68_3'] as const;
type V = (typeof variants)[number];
const bFile = join(cacheDir, 'phaseB.json');
const desc: Record<V, Record<string, number[] | null>> = existsSync(bFile) ? JSON.parse(readFileSync(bFile, 'utf8')) : Object.fromEntries(variants.map((v) => [v, {}])) as never;

await pool(paths.filter((p) => !(p in desc.sim5_1)), 4, async (p) => {
  const a = phaseA[p];
  if (!a) { for (const v of variants) desc[v][p] = null; return; }
  const img: RgbImage = await loadImage(p);
  const [lm2] = await engine.landmarks(img, [{ box: refinedBox(a.pts), score: a.score }]);
  const p2 = lm2 ? lm2.points : a.pts;
  const [lm3] = await engine.landmarks(img, [{ box: refinedBox(p2), score: a.score }]);
  const p3 = lm3 ? lm3.points : p2;
  const chips: Record<V, Float32Array | null> = {
    sim5_1: warpSimilarity(img, chipTransform(a.pts), 150),
    d68_1: warpSimilarity(img, dlib68Transform(a.pts), 150),
    sim5_2: warpSimilarity(img, chipTransform(p2), 150),
    d68_2: warpSimilarity(img, dlib68Transform(p2), 150),
    sim5_avg: warpSimilarity(img, chipTransform(avg(a.pts, p2)), 150),
    d68_avg: warpSimilarity(img, dlib68Transform(avg(a.pts, p2)), 150),
    faceapi_1: engine.chip(img, a.pts, { x: Math.floor(Math.max(a.box.x, 0)), y: Math.floor(Math.max(a.box.y, 0)), width: Math.floor(Math.min(a.box.x + a.box.width, img.width) - Math.max(a.box.x, 0)), height: Math.floor(Math.min(a.box.y + a.box.height, img.height) - Math.max(a.box.y, 0)) }, 'faceapi'),
    sim5_3: warpSimilarity(img, chipTransform(p3), 150),
    d68_3: warpSimilarity(img, dlib68Transform(p3), 150),
  };
  await Promise.all(variants.map(async (v) => {
    const c = chips[v];
    desc[v][p] = c ? Array.from(await engine.embed(c)) : null;
  }));
});
writeFileSync(bFile, JSON.stringify(desc));

for (const v of variants) {
  const d = desc[v];
  const dist = pairs.map((q) => {
    const x = d[lfwImagePath(imagesDir, q.a)];
    const y = d[lfwImagePath(imagesDir, q.b)];
    return x && y ? euclidean(x, y) : null;
  });
  const r = tenFold(dist, pairs);
  console.log(`${v.padEnd(10)} accuracy ${(r.accuracy * 100).toFixed(2)} ± ${(r.std * 100).toFixed(2)}  threshold ${r.threshold.toFixed(3)}`);
}
await engine.close();
