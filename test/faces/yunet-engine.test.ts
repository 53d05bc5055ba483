/** The engine with the default detector (YuNet): landmarks, five points, alignments, SSD for faceapi. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { FaceEngine, loadImage, type FaceResult, type RgbImage } from '../../src/faces/index.js';
import { rectIou } from '../../src/faces/detect.js';
import { silentLogger } from '../../src/log/logger.js';

const require = createRequire(import.meta.url);
const SAMPLE = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
const cfg = configSchema.parse({ storage: { dir: '.' }, detector: { model: 'yunet' }, inference: { device: 'cpu', workers: 0, threads: 1, batchWait: 5 } });
let engine: FaceEngine;
let img: RgbImage;

before(async () => {
  engine = await FaceEngine.create({ detector: cfg.detector, inference: cfg.inference, modelDir: join(tmpdir(), 'faceidx-test-models'), log: silentLogger });
  img = await loadImage(SAMPLE);
});

after(async () => engine?.close());

const byX = (fs: FaceResult[]) => [...fs].sort((a, b) => a.box.x - b.box.x);
const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));

test('yunet detections carry five points inside the box', async () => {
  assert.equal(engine.detector.model, 'yunet');
  const dets = await engine.detect(img);
  assert.equal(dets.length, 3);
  for (const d of dets) {
    assert.equal(d.points5?.length, 5);
    for (const [x, y] of d.points5!) assert.ok(x > d.box.x && x < d.box.x + d.box.width && y > d.box.y && y < d.box.y + d.box.height);
    assert.ok(d.points5![0]![0] < d.points5![1]![0], 'image-left eye first');
    assert.ok(d.points5![2]![1] < d.points5![3]![1], 'nose above the mouth');
  }
});

test('align five skips the landmark net; dlib68 gives 68 points; both carry points5, yaw and eye distance', async () => {
  const five = byX(await engine.analyze(img, { align: 'five' }));
  const d68 = byX(await engine.analyze(img, { align: 'dlib68' }));
  assert.equal(five.length, 3);
  assert.equal(d68.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.equal(five[i]!.landmarks.length, 5);
    assert.equal(d68[i]!.landmarks.length, 68);
    for (const f of [five[i]!, d68[i]!]) {
      assert.equal(f.points5.length, 5);
      assert.equal(f.descriptor.length, 128);
      assert.ok(Number.isFinite(f.quality.yaw) && f.quality.yaw >= 0 && f.quality.yaw < 0.5);
      assert.ok(f.quality.eyeDistance > 40, `eye distance ${f.quality.eyeDistance}`);
      assert.ok(f.quality.sharpness > 0);
    }
    // YuNet's image-left eye is the 68-point one (YuNet's points are coarser: up to a third of the
    // eye distance off on these tilted faces at inputWidth 640; the other eye is a whole one away)
    const e = d68[i]!.quality.eyeDistance;
    assert.ok(Math.hypot(five[i]!.points5[0]![0] - d68[i]!.points5[0]![0], five[i]!.points5[0]![1] - d68[i]!.points5[0]![1]) < 0.5 * e);
  }
});

test('a YuNet box through the landmark net gives the SSD pipeline\'s descriptors within 0.25 (landmarkBox)', async () => {
  const y = byX(await engine.analyze(img, { align: 'dlib68' }));
  const s = byX(await engine.analyze(img, { align: 'faceapi' }));
  const ssdDlib = await (async () => {
    const e = await FaceEngine.create({ detector: { ...cfg.detector, model: 'ssd' }, inference: { ...cfg.inference, align: 'dlib68' }, modelDir: join(tmpdir(), 'faceidx-test-models'), log: silentLogger });
    try { return byX(await e.analyze(img)); } finally { await e.close(); }
  })();
  assert.equal(s.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.ok(rectIou(s[i]!.box, ssdDlib[i]!.box) > 0.999, 'align faceapi runs the SSD detector');
    assert.ok(dist(y[i]!.descriptor, ssdDlib[i]!.descriptor) < 0.25, `face ${i}: ${dist(y[i]!.descriptor, ssdDlib[i]!.descriptor)}`);
  }
});

test('small faces in a 1080p frame: the whole-frame pass at 640 misses most; the small-face tiles find all three, in frame pixels', async () => {
  const sharp = (await import('sharp')).default;
  const { tileRegions } = await import('../../src/faces/yunet.js');
  // face-api's sample1.jpg (three faces about 230 px high) shrunk to 12%: faces of 26-29 px.
  const w = Math.round(img.width * 0.12), h = Math.round(img.height * 0.12);
  const small = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } }).resize(w, h).raw().toBuffer();
  const frame = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: { r: 90, g: 100, b: 110 } } })
    .composite([{ input: small, raw: { width: w, height: h, channels: 3 }, left: 700, top: 300 }]).removeAlpha().raw().toBuffer();
  const big = { width: 1920, height: 1080, data: new Uint8Array(frame) };
  const base = await engine.detect(big);
  assert.ok(base.length <= 1, `the 640 pass found ${base.length}`);
  const found = await engine.analyze(big, { regions: tileRegions(1920, 1080, 1, 704, 96) });
  assert.equal(found.length, 3);
  for (const f of found) {
    assert.ok(f.box.x > 700 && f.box.x + f.box.width < 700 + w && f.box.y > 300 && f.box.y + f.box.height < 300 + h, JSON.stringify(f.box));
    assert.ok(f.box.height > 20 && f.box.height < 40);
  }
  // The recheck: told where the faces were (the last frames), a window around them finds them
  // again; a place where no face is adds nothing; through the worker pool too.
  const recheck = (boxes: Array<{ x: number; y: number; width: number; height: number }>) => ({ recheck: { boxes, maxHeight: 80, margin: 2, maxWindows: 16, scale: 1 } });
  assert.equal((await engine.analyze(big, recheck(found.map((f) => f.box)))).length, 3);
  assert.equal((await engine.analyze(big, recheck([{ x: 100, y: 800, width: 30, height: 36 }]))).length, base.length);
  const { FacePool } = await import('../../src/faces/index.js');
  const pool = await FacePool.create({ detector: cfg.detector, inference: cfg.inference, modelDir: join(tmpdir(), 'faceidx-test-models'), log: silentLogger, workers: 1 });
  try {
    assert.equal((await pool.analyze(big, recheck(found.map((f) => f.box)))).length, 3);
  } finally {
    await pool.close();
  }
});
