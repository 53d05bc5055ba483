import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { FaceEngine, loadImage } from '../../src/faces/index.js';
import { isFaceidxError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { embedFile } from '../../src/cli/embed.js';
import { rectIou } from '../../src/faces/detect.js';
import { letterboxCanvas } from '../../src/faces/preprocess.js';

const require = createRequire(import.meta.url);
const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const SAMPLE = join(demo, 'sample1.jpg');
const detector = { model: 'ssd' as const, inputWidth: 0, minScore: 0.5, nmsIou: 0.5, minFaceSize: 20, maxImageSide: 4096, padPass: 'empty' as const, padFactors: [2, 3], padMirror: true };
const inference = { device: 'cpu' as const, threads: 0, batchSize: 8, batchWait: 20, align: 'similarity' as const };

let dir: string;
let engine: FaceEngine;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faceidx-engine-'));
  engine = await FaceEngine.create({ detector, inference, modelDir: join(dir, 'models'), log: silentLogger });
});

after(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('device cuda without the CUDA provider fails with FACEIDX_PROVIDER and a fix', async () => {
  await assert.rejects(
    FaceEngine.create({ detector, inference: { ...inference, device: 'cuda' }, modelDir: join(dir, 'models'), log: silentLogger }),
    (err: unknown) => isFaceidxError(err, 'FACEIDX_PROVIDER') && /cuda/i.test(err.message) && /ONNXRUNTIME_NODE_INSTALL=cuda12/.test(err.message),
  );
});

test('device auto falls back to CPU and logs one line naming the provider and why', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const log = createLogger({ level: 'info', pretty: false, destination: sink });
  const e = await FaceEngine.create({ detector, inference: { ...inference, device: 'auto' }, modelDir: join(dir, 'models'), log });
  await e.close();
  assert.equal(e.provider, 'cpu');
  const provider = lines.map((l) => JSON.parse(l) as { provider?: string; msg: string; reason?: string }).filter((l) => l.provider);
  assert.equal(provider.length, 1);
  assert.equal(provider[0]!.provider, 'cpu');
  assert.match(provider[0]!.msg, /CPU.*CUDA provider unavailable/);
  assert.ok(provider[0]!.reason);
});

test('analyze returns faces with 68 landmarks, raw 128-d descriptors and quality', async () => {
  const img = await loadImage(SAMPLE);
  const faces = await engine.analyze(img);
  assert.equal(faces.length, 3);
  for (const f of faces) {
    assert.equal(f.landmarks.length, 68);
    assert.equal(f.descriptor.length, 128);
    assert.ok(f.quality.height > 100 && f.quality.eyeDistance > 20 && f.quality.sharpness > 0);
    const [x, y] = f.landmarks[30]!; // nose tip lies inside the box
    assert.ok(x > f.box.x && x < f.box.x + f.box.width && y > f.box.y && y < f.box.y + f.box.height);
  }
});

test('concurrent analyze calls are batched and give the same descriptors as one at a time', async () => {
  const img = await loadImage(SAMPLE);
  const alone = await engine.analyze(img);
  const [a, b] = await Promise.all([engine.analyze(img), engine.analyze(img)]);
  for (const r of [a!, b!]) r.forEach((f, i) => f.descriptor.forEach((v, k) => assert.ok(Math.abs(v - alone[i]!.descriptor[k]!) < 1e-4)));
});

test('a face that fills the frame is found by the padded pass', async () => {
  const img = await loadImage(SAMPLE);
  const [face] = await engine.analyze(img);
  const b = face!.box;
  const m = 0.05 * b.width;
  const crop = join(dir, 'tight.png');
  await sharp(SAMPLE).extract({ left: Math.round(b.x + m), top: Math.round(b.y + m), width: Math.round(b.width - 2 * m), height: Math.round(b.height - 2 * m) }).png().toFile(crop);
  const tight = await loadImage(crop);
  const e = await FaceEngine.create({ detector: { ...detector, padPass: 'off' }, inference, modelDir: join(dir, 'models'), log: silentLogger });
  try {
    assert.equal((await e.analyze(tight)).length, 0, 'the plain pass should miss a frame-filling face');
  } finally {
    await e.close();
  }
  assert.equal((await engine.analyze(tight)).length, 1);
});

test('the mirrored padded pass finds the same faces in the same places', async () => {
  const img = await loadImage(SAMPLE);
  const canvas = letterboxCanvas(img.width, img.height, 2);
  const plain = await engine.detectPass(img, canvas, 0.3);
  const mirrored = await engine.detectPass(img, canvas, 0.5, true);
  assert.ok(mirrored.length >= 2);
  for (const m of mirrored) assert.ok(Math.max(...plain.map((p) => rectIou(m.box, p.box))) > 0.6, `no plain box under ${JSON.stringify(m.box)}`);
});

test('bad input: missing, empty, truncated and non-image files give per-file errors; others still work', async () => {
  const empty = join(dir, 'empty.jpg');
  writeFileSync(empty, '');
  const text = join(dir, 'text.jpg');
  writeFileSync(text, 'not an image');
  const trunc = join(dir, 'trunc.jpg');
  writeFileSync(trunc, readFileSync(SAMPLE).subarray(0, 4000));
  for (const f of [join(dir, 'missing.jpg'), empty, text, trunc]) {
    await assert.rejects(loadImage(f), (err: unknown) => isFaceidxError(err, 'FACEIDX_IMAGE'));
    const r = await embedFile(engine, f, 'similarity', 4096);
    assert.ok('error' in r && r.error.includes(f));
  }
  const good = join(dir, 'good.jpg');
  copyFileSync(SAMPLE, good);
  const r = await embedFile(engine, good, 'similarity', 4096);
  assert.ok('faces' in r && r.faces.length === 3 && r.faces[0]!.descriptor.length === 128);
});

test('an image without a face gives an empty list; a huge image is downscaled and boxes map to original pixels', async () => {
  const grey = join(dir, 'grey.png');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 120, b: 90 } } }).png().toFile(grey);
  assert.deepEqual(await engine.analyze(await loadImage(grey)), []);
  const big = join(dir, 'big.jpg');
  await sharp(SAMPLE).resize(9000).jpeg({ quality: 70 }).toFile(big);
  const small = await embedFile(engine, SAMPLE, 'similarity', 4096);
  const huge = await embedFile(engine, big, 'similarity', 1920);
  assert.ok('faces' in huge && 'faces' in small);
  assert.equal(huge.width, 9000);
  assert.equal(huge.faces.length, small.faces.length);
  const ratio = 9000 / 1920;
  assert.ok(Math.abs(huge.faces[0]!.box.x - small.faces[0]!.box.x * ratio) < 5 * ratio);
});
