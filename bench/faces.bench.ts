/**
 * Faces stage benchmark: descriptors/s at batch 1, 8, 32; detector ms per 512 frame; landmarks
 * ms per face; the whole pipeline per frame; and face-api's tfjs-wasm backend on the same
 * inputs in the same run. Inputs: the demo photos @vladmandic/face-api ships.
 * Then the detector alone, frames/s, SSD cascade against YuNet (each with its default settings,
 * YuNet at the default detector.inputWidth) on a frame of samples/face-demographics-walking-and-pause.mp4
 * at its own 480x270 and scaled by ffmpeg to 1920x1080 (detectors.ts).
 * Env: FACEIDX_BENCH_DEVICE (cpu | cuda | webgpu | auto, default cpu), FACEIDX_BENCH_THREADS
 * (default 2), FACEIDX_BENCH_SECONDS (time per measurement, default 3), FACEIDX_BENCH_DETECTORS=only
 * (just the detector rows).
 */
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { configSchema } from '../src/config/schema.js';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { FaceEngine, loadImage, type RgbImage } from '../src/faces/index.js';
import { letterboxCanvas, packNchw, resampleCanvas, centeredCanvas } from '../src/faces/preprocess.js';
import { run } from '../src/faces/sessions.js';
import { createLogger } from '../src/log/logger.js';
import { faceApiRef } from '../test/faces/faceapi-ref.js';

const require = createRequire(import.meta.url);
const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const device = (process.env.FACEIDX_BENCH_DEVICE ?? 'cpu') as 'cpu' | 'cuda' | 'webgpu' | 'auto';
const threads = Number(process.env.FACEIDX_BENCH_THREADS ?? 2);
const seconds = Number(process.env.FACEIDX_BENCH_SECONDS ?? 3);

/** Mean ms per call over ~`seconds` (after one warm-up call). */
async function time(fn: () => Promise<unknown>, budget = seconds, maxIter = 10_000): Promise<number> {
  await fn();
  const t0 = performance.now();
  let n = 0;
  while (n < maxIter && (n < 3 || performance.now() - t0 < budget * 1000)) {
    await fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

interface Row { what: string; faceidx: string; faceapi: string; target: string; ok: string }
const rows: Row[] = [];
const fmt = (v: number, d = 1) => v.toFixed(d);

const detRows: Row[] = [];

/** Detector alone, frames/s: SSD cascade vs YuNet (default settings each), 480x270 and 1080p. */
async function detectorRows(modelDir: string, log: ReturnType<typeof createLogger>): Promise<void> {
  const clip = join(dirname(new URL(import.meta.url).pathname), '..', 'samples', 'face-demographics-walking-and-pause.mp4');
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-bench-frames-'));
  const frames: Array<[string, RgbImage]> = [];
  for (const [name, vf] of [['480x270', 'select=eq(n\\,40)'], ['1920x1080', 'select=eq(n\\,40),scale=1920:1080']] as const) {
    execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', vf, '-frames:v', '1', join(dir, `${name}.png`)]);
    frames.push([name, await loadImage(join(dir, `${name}.png`))]);
  }
  rmSync(dir, { recursive: true, force: true });
  const inference = { device, threads, batchSize: 32, batchWait: 0, align: 'dlib68' as const };
  for (const model of ['ssd', 'yunet'] as const) {
    const detector = configSchema.parse({ storage: { dir: '.' }, detector: { model } }).detector;
    const e = await FaceEngine.create({ detector, inference, modelDir, log });
    for (const [name, img] of frames) {
      const n = (await e.detect(img)).length;
      const ms = await time(() => e.detect(img));
      const label = model === 'yunet' ? `yunet (inputWidth ${detector.inputWidth})` : 'ssd cascade';
      detRows.push({ what: `detector alone, frames/s, ${name}, ${label}, ${n} faces`, faceidx: fmt(1000 / ms), faceapi: '', target: '', ok: '' });
    }
    await e.close();
  }
}

async function main(): Promise<void> {
  if (process.env.FACEIDX_BENCH_DETECTORS === 'only') {
    const dir = mkdtempSync(join(tmpdir(), 'faceidx-bench-'));
    await detectorRows(dir, createLogger({ level: 'warn', pretty: false, destination: process.stderr }));
    rmSync(dir, { recursive: true, force: true });
    for (const r of detRows) process.stdout.write(`${r.what.padEnd(70)}  ${r.faceidx}\n`);
    return;
  }
  const modelDir = mkdtempSync(join(tmpdir(), 'faceidx-bench-'));
  const log = createLogger({ level: 'info', pretty: false, destination: process.stderr });
  const engine = await FaceEngine.create({
    detector: { model: 'ssd', inputWidth: 0, minScore: 0.5, nmsIou: 0.5, minFaceSize: 20, maxImageSide: 4096, padPass: 'off', padFactors: [2], padMirror: false },
    inference: { device, threads, batchSize: 32, batchWait: 0, align: 'similarity' },
    modelDir,
    log,
  });
  const sessions = (engine as unknown as { sessions: { detector: never; landmarks: never; recognition: never } }).sessions;
  const images: RgbImage[] = [];
  for (const i of [1, 2, 3, 4, 5, 6]) images.push(await loadImage(join(demo, `sample${i}.jpg`)));
  // Chips of every face in the demo photos (similarity alignment), packed for the net.
  const chips: Float32Array[] = [];
  const crops: Array<{ img: RgbImage; crop: { x: number; y: number; width: number; height: number } }> = [];
  for (const img of images) {
    const dets = await engine.detect(img);
    const lms = await engine.landmarks(img, dets);
    lms.forEach((lm) => {
      chips.push(engine.chip(img, lm.points, lm.crop, 'similarity')!);
      crops.push({ img, crop: lm.crop });
    });
  }
  const packed = (n: number) => {
    const buf = new Float32Array(n * 3 * 150 * 150);
    for (let i = 0; i < n; i++) packNchw(chips[i % chips.length]!, 150, 'mean', buf, i);
    return buf;
  };
  const descPerSec: Record<number, number> = {};
  for (const b of [1, 8, 32]) {
    const input = packed(b);
    const ms = await time(() => run(sessions.recognition, input, [b, 3, 150, 150]));
    descPerSec[b] = (1000 * b) / ms;
  }
  const img = images[0]!;
  const canvas = letterboxCanvas(img.width, img.height);
  const detInput = new Float32Array(3 * 512 * 512);
  packNchw(resampleCanvas(img, canvas, { x: 0, y: 0, width: img.width, height: img.height }, 512), 512, 'ssd', detInput, 0);
  const detModel = await time(() => run(sessions.detector, detInput, [1, 3, 512, 512]));
  const detFull = await time(() => engine.detect(img));
  const nLm = crops.length;
  const lmInput = new Float32Array(nLm * 3 * 112 * 112);
  crops.forEach((c, i) => packNchw(resampleCanvas(c.img, centeredCanvas(c.crop), c.crop, 112), 112, 'mean', lmInput, i));
  const lmPerFace = (await time(() => run(sessions.landmarks, lmInput, [nLm, 3, 112, 112]))) / nLm;
  const facesInFrame = (await engine.analyze(img)).length;
  const pipeline = await time(() => engine.analyze(img));
  await engine.close();

  // face-api (tfjs wasm backend) on the same inputs
  const ref = await faceApiRef();
  const { tf, faceapi } = ref;
  const chipT = tf.tensor4d(chips[0]!, [1, 150, 150, 3]);
  const faDesc1 = await time(async () => tf.dispose(await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(chipT)), seconds, 20);
  const batch8 = chips.slice(0, 8).map((c) => tf.tensor3d(c, [150, 150, 3]));
  const faDesc8 = (await time(() => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(batch8), seconds, 10)) / 8;
  const imgT = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
  const faDet = await time(() => faceapi.nets.ssdMobilenetv1.locateFaces(imgT, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })), seconds, 10);
  const lmT = tf.tensor3d(resampleCanvas(crops[0]!.img, centeredCanvas(crops[0]!.crop), crops[0]!.crop, 112), [112, 112, 3]);
  const faLm = await time(() => faceapi.nets.faceLandmark68Net.detectLandmarks(lmT), seconds, 30);
  const faPipe = await time(() => ref.analyze(img), seconds, 5);

  await detectorRows(modelDir, log);
  rmSync(modelDir, { recursive: true, force: true });

  const d32 = descPerSec[32]!;
  const faBest = 1000 / Math.min(faDesc1, faDesc8);
  rows.push({ what: 'descriptors/s, batch 1', faceidx: fmt(descPerSec[1]!), faceapi: fmt(1000 / faDesc1), target: '', ok: '' });
  rows.push({ what: 'descriptors/s, batch 8', faceidx: fmt(descPerSec[8]!), faceapi: fmt(1000 / faDesc8), target: '', ok: '' });
  rows.push({ what: 'descriptors/s, batch 32', faceidx: fmt(d32), faceapi: '', target: device === 'cpu' ? '>= 300 (2 cores)' : '>= 10000 (H100)', ok: d32 >= (device === 'cpu' ? 300 : 10000) ? 'yes' : 'NO' });
  rows.push({ what: 'speed-up vs face-api (batch 32 vs its best)', faceidx: `${fmt(d32 / faBest)}x`, faceapi: '1x', target: '>= 10x', ok: d32 / faBest >= 10 ? 'yes' : 'NO' });
  rows.push({ what: 'detector ms/frame at 512 (model only)', faceidx: fmt(detModel), faceapi: '', target: '<= 45', ok: detModel <= 45 ? 'yes' : 'NO' });
  rows.push({ what: 'detector ms/frame (resize+model+NMS)', faceidx: fmt(detFull), faceapi: fmt(faDet), target: '', ok: '' });
  rows.push({ what: `landmarks ms/face (batch of ${nLm})`, faceidx: fmt(lmPerFace, 2), faceapi: fmt(faLm, 2), target: '', ok: '' });
  rows.push({ what: `whole pipeline ms/frame (1920x1280, ${facesInFrame} faces)`, faceidx: fmt(pipeline), faceapi: fmt(faPipe), target: '', ok: '' });
  rows.push(...detRows);
  const cols: Array<keyof Row> = ['what', 'faceidx', 'faceapi', 'target', 'ok'];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (r: Row) => cols.map((c, i) => r[c].padEnd(width[i]!)).join('  ');
  process.stdout.write(`faces bench: onnxruntime-node ${device}, ${threads} threads, ${cpus().length} cores visible; face-api ${faceapi.version} tfjs-wasm\n`);
  process.stdout.write(`${line({ what: 'what', faceidx: 'faceidx', faceapi: 'face-api', target: 'target', ok: 'met' })}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().catch((err) => {
  process.stderr.write(`faces bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
