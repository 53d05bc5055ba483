/** YuNet's pure pre/post-processing, the checks after it, and the vendored model's sha256 check. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chipTemplateFive, chipTransformFive, eyeDistance, eyeDistance5, points5From68, yawOffset, yawOffset5, type Point } from '../../src/faces/align.js';
import { resolveDetector } from '../../src/faces/detectors.js';
import { isFaceidxError } from '../../src/errors.js';
import { readYunet, vendoredDir, YUNET_FILE } from '../../src/faces/vendored.js';
import { landmarkBox, plausibleFaces, sharedArea } from '../../src/faces/yunet-checks.js';
import { decodeYunet, packYunet, yunetInput } from '../../src/faces/yunet.js';
import { configSchema } from '../../src/config/schema.js';

test('input geometry: padded right/bottom to multiples of 32, wide frames scaled to inputWidth', () => {
  assert.deepEqual(yunetInput(480, 270, 960), { width: 480, height: 288, scale: 1 });
  assert.deepEqual(yunetInput(250, 250, 960), { width: 256, height: 256, scale: 1 });
  assert.deepEqual(yunetInput(1920, 1080, 960), { width: 960, height: 544, scale: 0.5 });
  assert.deepEqual(yunetInput(1920, 1080, 0), { width: 1920, height: 1088, scale: 1 });
  assert.deepEqual(yunetInput(10, 7, 0), { width: 32, height: 32, scale: 1 });
});

test('packing: BGR planes, 0-255, zeros in the padding; a 2x reduction averages pixel pairs', () => {
  // 2x1 image: red, then blue
  const img = { width: 2, height: 1, data: Uint8Array.from([200, 10, 20, 0, 40, 100]) };
  const out = packYunet(img, { width: 32, height: 32, scale: 1 }, new Float32Array(3 * 32 * 32));
  const plane = 32 * 32;
  assert.deepEqual([out[0], out[plane], out[2 * plane]], [20, 10, 200]); // B, G, R of pixel 0
  assert.deepEqual([out[1], out[plane + 1], out[2 * plane + 1]], [100, 40, 0]);
  assert.equal(out[2], 0);
  assert.equal(out[32], 0);
  const half = packYunet(img, { width: 32, height: 32, scale: 0.5 }, new Float32Array(3 * plane));
  assert.deepEqual([half[0], half[plane], half[2 * plane]], [60, 25, 100]);
  assert.equal(half[1], 0);
});

test('decoding: score = sqrt(cls x obj), box and points per stride cell, mapped back by the scale', () => {
  const input = { width: 32, height: 32, scale: 0.5 };
  const out: Record<string, Float32Array> = {};
  for (const s of [8, 16, 32]) {
    const n = (32 / s) ** 2;
    out[`cls_${s}`] = new Float32Array(n);
    out[`obj_${s}`] = new Float32Array(n);
    out[`bbox_${s}`] = new Float32Array(n * 4);
    out[`kps_${s}`] = new Float32Array(n * 10);
  }
  const i = 1 * 4 + 2; // stride 8: row 1, col 2
  out.cls_8![i] = 0.81;
  out.obj_8![i] = 1.5; // clamped to 1
  out.bbox_8!.set([0.5, 0.5, Math.log(2), Math.log(3)], i * 4);
  out.kps_8!.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10);
  out.cls_16![0] = 0.2; // sqrt(0.2 x 0.2) = 0.2 < minScore
  out.obj_16![0] = 0.2;
  const faces = decodeYunet(out, input, 0.5);
  assert.equal(faces.length, 1);
  const f = faces[0]!;
  assert.ok(Math.abs(f.score - 0.9) < 1e-6);
  // centre (2.5 x 8, 1.5 x 8) = (20, 12), size 16 x 24, all doubled by the 0.5 scale
  const r = (v: number) => Math.round(v * 1000) / 1000 + 0; // -0 -> 0
  assert.deepEqual([f.box.x, f.box.y, f.box.width, f.box.height].map(r), [24, 0, 32, 48]);
  assert.deepEqual(f.points5.map(([x, y]) => [r(x), r(y)]), [[32, 16], [48, 16], [40, 24], [32, 32], [48, 32]]);
});

test('plausibleFaces drops a box lying mostly on a better face (the top of a head), keeps faces side by side', () => {
  const face = { box: { x: 228, y: 17, width: 82, height: 124 }, score: 0.9 };
  const headTop = { box: { x: 223, y: 3, width: 46, height: 52 }, score: 0.75 };
  const neighbour = { box: { x: 300, y: 20, width: 80, height: 120 }, score: 0.8 }; // overlaps the face a little
  assert.ok(sharedArea(headTop.box, face.box) > 0.5);
  assert.deepEqual(plausibleFaces([headTop, face, neighbour]), [face, neighbour]);
  assert.equal(sharedArea({ x: 0, y: 0, width: 0, height: 0 }, face.box), 1);
});

test('landmarkBox maps a YuNet box to the SSD-like box the landmark net learnt on (same centre column)', () => {
  const b = landmarkBox({ x: 100, y: 200, width: 100, height: 120 });
  assert.ok(Math.abs(b.x + b.width / 2 - 150) < 1e-9);
  assert.ok(Math.abs(b.width - 107) < 1e-9 && Math.abs(b.height - 110.88) < 1e-9);
  assert.ok(b.y + b.height / 2 > 260);
});

// A frontal-ish 68-point face: only the points the five-point helpers read matter here.
function face68(noseX: number): Point[] {
  const pts: Point[] = Array.from({ length: 68 }, () => [0, 0] as Point);
  for (let i = 36; i < 42; i++) pts[i] = [40 + (i - 36), 50];
  for (let i = 42; i < 48; i++) pts[i] = [80 + (i - 42), 50];
  pts[30] = [noseX, 75];
  pts[48] = [50, 95];
  pts[54] = [90, 95];
  return pts;
}

test('five-point yaw and eye distance equal the 68-point measures for the same face', () => {
  for (const nose of [62.5, 70, 90]) {
    const pts = face68(nose);
    const p5 = points5From68(pts);
    assert.ok(Math.abs(yawOffset5(p5) - yawOffset(pts)) < 1e-12);
    assert.ok(Math.abs(eyeDistance5(p5) - eyeDistance(pts)) < 1e-12);
  }
  assert.ok(yawOffset5(points5From68(face68(90))) > 0.5);
  assert.equal(yawOffset5([[1, 1], [1, 1], [2, 2], [0, 3], [2, 3]]), Number.POSITIVE_INFINITY);
});

test('the five-point chip maps the template onto the points (a pure similarity)', () => {
  const t = chipTemplateFive();
  const p5: Point[] = t.map(([x, y]) => [2 * x + 30, 2 * y + 40]);
  const m = chipTransformFive(p5);
  assert.ok(Math.abs(m.a - 2) < 1e-9 && Math.abs(m.b) < 1e-9 && Math.abs(m.tx - 30) < 1e-9 && Math.abs(m.ty - 40) < 1e-9);
  const big = chipTemplateFive(300, 0.25);
  assert.ok(Math.abs(big[2]![0] - 2 * t[2]![0]) < 1e-9);
});

test('detector defaults depend on the model: yunet 0.7 / 10 px / no padded pass, ssd 0.5 / 20 px / padded passes when empty; explicit values win', () => {
  const cfg = configSchema.parse({ storage: { dir: '.' } });
  assert.equal(cfg.detector.model, 'yunet');
  const y = resolveDetector(cfg.detector);
  assert.deepEqual([y.minScore, y.minFaceSize, y.padPass], [0.7, 10, 'off']);
  const s = resolveDetector({ ...cfg.detector, model: 'ssd' });
  assert.deepEqual([s.minScore, s.minFaceSize, s.padPass], [0.5, 20, 'empty']);
  assert.equal(resolveDetector({ ...cfg.detector, minScore: 0.55 }).minScore, 0.55);
});

test('the vendored YuNet passes its sha256 check; a damaged or missing copy fails with FACEIDX_MODEL naming the file and the fix', () => {
  assert.equal(readYunet().length, 322906);
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-vendored-'));
  try {
    mkdirSync(join(dir, 'yunet'));
    assert.throws(() => readYunet(dir), (e: unknown) => isFaceidxError(e, 'FACEIDX_MODEL') && e.message.includes(join(dir, YUNET_FILE)) && /ENOENT/.test(e.message) && /git checkout -- models/.test(e.message));
    const bytes = readFileSync(join(vendoredDir(), YUNET_FILE));
    bytes[1000] = bytes[1000]! ^ 0xff; // one flipped byte
    writeFileSync(join(dir, YUNET_FILE), bytes);
    assert.throws(() => readYunet(dir), (e: unknown) => isFaceidxError(e, 'FACEIDX_MODEL') && /damaged/.test(e.message) && e.message.includes(join(dir, YUNET_FILE)));
    copyFileSync(join(vendoredDir(), YUNET_FILE), join(dir, YUNET_FILE));
    assert.equal(readYunet(dir).length, 322906);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
