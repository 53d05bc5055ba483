/** face-api itself (tfjs wasm) vs faceidx in `faceapi` mode on the demo photos face-api ships. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FaceEngine, loadImage } from '../../src/faces/index.js';
import { rectIou } from '../../src/faces/detect.js';
import { silentLogger } from '../../src/log/logger.js';
import { faceApiRef } from './faceapi-ref.js';

const require = createRequire(import.meta.url);
const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const SAMPLES = [1, 2, 3, 4, 5, 6].map((i) => join(demo, `sample${i}.jpg`));

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
}

let engine: FaceEngine;
let modelDir: string;

before(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'faceidx-parity-'));
  engine = await FaceEngine.create({
    detector: { model: 'ssd', inputWidth: 0, minScore: 0.5, nmsIou: 0.5, minFaceSize: 1, maxImageSide: 4096, padPass: 'off', padFactors: [2], padMirror: false },
    inference: { device: 'cpu', threads: 0, batchSize: 32, batchWait: 0, align: 'faceapi' },
    modelDir,
    log: silentLogger,
  });
});

after(async () => {
  await engine?.close();
  rmSync(modelDir, { recursive: true, force: true });
});

test('every face found by face-api and faceidx matches: IoU >= 0.99, descriptor cosine >= 0.999', async () => {
  const ref = await faceApiRef();
  let total = 0;
  for (const file of SAMPLES) {
    const img = await loadImage(file);
    const want = await ref.analyze(img, 0.5);
    const got = await engine.analyze(img, { align: 'faceapi' });
    assert.equal(got.length, want.length, `${file}: face count`);
    for (const w of want) {
      const match = got.map((g) => ({ g, iou: rectIou(g.box, w.box) })).sort((a, b) => b.iou - a.iou)[0];
      assert.ok(match && match.iou >= 0.99, `${file}: face at ${JSON.stringify(w.box)} has no faceidx match (IoU ${match?.iou})`);
      const c = cosine(match.g.descriptor, w.descriptor);
      assert.ok(c >= 0.999, `${file}: descriptor cosine ${c}`);
      const lm = Math.max(...w.landmarks.map((p, k) => Math.hypot(p[0] - match.g.landmarks[k]![0], p[1] - match.g.landmarks[k]![1])));
      assert.ok(lm < 0.5, `${file}: landmark differs by ${lm} px`);
      total++;
    }
  }
  assert.ok(total >= 15, `expected the demo photos to hold at least 15 faces, found ${total}`);
});

test('the recognition net alone matches face-api on the same chip (similarity alignment too)', async () => {
  const ref = await faceApiRef();
  const img = await loadImage(SAMPLES[0]!);
  const dets = await engine.detect(img);
  const [lm] = await engine.landmarks(img, dets.slice(0, 1));
  const chip = engine.chip(img, lm!.points, lm!.crop, 'similarity')!;
  const mine = await engine.embed(chip);
  const theirs = await ref.descriptor(chip, 150);
  assert.ok(cosine(mine, theirs) >= 0.9999);
  const norm = Math.hypot(...mine);
  assert.ok(norm > 1 && norm < 2, `descriptors stay raw (not unit length): |d| = ${norm}`);
});
