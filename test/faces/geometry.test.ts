import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySimilarity, chipTemplate, chipTemplate68, chipTransform, chipTransform68, clipFloor, DLIB68_CHIP_POINTS, DLIB_TEMPLATE5, faceapiAlignRect, fitSimilarity, yawOffset, TEMPLATE5_FROM_68, type Point } from '../../src/faces/align.js';
import { decodeSsd, iou, mergeDetections, nms, padPasses, toImageRect, unmirror } from '../../src/faces/detect.js';
import { centeredCanvas, laplacianVariance, letterboxCanvas, mirrorChip, resampleCanvas, warpSimilarity } from '../../src/faces/preprocess.js';

const cand = (score: number, y0: number, x0: number, y1: number, x1: number) => ({ score, ymin: y0, xmin: x0, ymax: y1, xmax: x1 });

test('nms keeps the best box of an overlapping group and separate boxes', () => {
  const kept = nms([cand(0.6, 0, 0, 1, 1), cand(0.9, 0, 0.05, 1, 1.05), cand(0.8, 2, 2, 3, 3), cand(0.7, 0, 0.6, 1, 1.6)], 0.5);
  assert.deepEqual(kept.map((k) => k.score), [0.9, 0.8, 0.7]);
  assert.equal(iou(cand(1, 0, 0, 1, 1), cand(1, 0, 0, 1, 1)), 1);
  assert.equal(iou(cand(1, 0, 0, 1, 1), cand(1, 2, 2, 3, 3)), 0);
  assert.equal(nms([cand(0.9, 0, 0, 1, 1), cand(0.8, 0, 0, 1, 1)], 0.5, 1).length, 1);
});

test('decodeSsd applies the anchor offsets (/10, /10, /5, /5) and sigmoid of class 1', () => {
  const anchors = new Float32Array([0.2, 0.2, 0.6, 0.4]); // h 0.4, w 0.2, centre (0.4, 0.3)
  const boxes = new Float32Array([10, -10, 0, 5 * Math.log(2)]);
  const logits = new Float32Array([0, 2, 0]);
  const [c] = decodeSsd(boxes, logits, anchors, 0, 0.5);
  assert.ok(c);
  assert.ok(Math.abs(c.score - 1 / (1 + Math.exp(-2))) < 1e-9);
  // cy = 0.4 + 0.4 = 0.8, cx = 0.3 - 0.2 = 0.1; h = 0.4, w = 0.4
  for (const [got, want] of [[c.ymin, 0.6], [c.ymax, 1.0], [c.xmin, -0.1], [c.xmax, 0.3]] as const) assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  assert.equal(decodeSsd(boxes, new Float32Array([0, -2, 0]), anchors, 0, 0.5).length, 0);
});

test('toImageRect maps letterbox and padded canvases back to image pixels', () => {
  const r = toImageRect(cand(1, 0.1, 0.2, 0.5, 0.6), letterboxCanvas(400, 200), 400, 200);
  assert.ok(Math.abs(r.x - 80) < 1e-9 && Math.abs(r.y - 40) < 1e-9 && Math.abs(r.width - 160) < 1e-9);
  const pad = letterboxCanvas(100, 100, 2); // 200 canvas, image at (50, 50)
  assert.deepEqual(pad, { ox: -50, oy: -50, side: 200 });
  const p = toImageRect(cand(1, 0.25, 0.25, 0.75, 0.75), pad, 100, 100);
  assert.deepEqual(p, { x: 0, y: 0, width: 100, height: 100 });
  const merged = mergeDetections([{ box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.6 }, { box: { x: 1, y: 0, width: 10, height: 10 }, score: 0.7 }], 0.5);
  assert.deepEqual(merged.map((m) => m.score), [0.7]);
});

test('resampleCanvas: tf bilinear (src = dst * in/out) with zero padding outside the content', () => {
  // 2x1 image: red 0 and 200 in channel 0
  const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 0, 0]) };
  const out = resampleCanvas(img, letterboxCanvas(2, 1), { x: 0, y: 0, width: 2, height: 1 }, 4);
  // canvas 2x2 (row 1 is padding), scale 0.5: x samples 0, 0.5, 1, 1.5 -> 0, 100, 200, 200; y row 1 (src 0.5) = half
  const red = (y: number, x: number) => out[(y * 4 + x) * 3]!;
  assert.deepEqual([red(0, 0), red(0, 1), red(0, 2), red(0, 3)], [0, 100, 200, 200]);
  assert.deepEqual([red(1, 0), red(1, 1), red(1, 2)], [0, 50, 100]);
  assert.deepEqual([red(2, 2), red(3, 3)], [0, 0]);
  // centred square around a 4x2 box: diff 2 -> 1 row before, 1 after
  assert.deepEqual(centeredCanvas({ x: 10, y: 20, width: 4, height: 2 }), { ox: 10, oy: 19, side: 4 });
  assert.deepEqual(centeredCanvas({ x: 10, y: 20, width: 2, height: 5 }), { ox: 9, oy: 20, side: 5 });
});

test('fitSimilarity recovers a known rotation + scale + shift', () => {
  const m = { a: 1.5 * Math.cos(0.3), b: 1.5 * Math.sin(0.3), tx: 12, ty: -7 };
  const from: Point[] = [[0, 0], [10, 0], [0, 10], [7, 3], [2, 9]];
  const to = from.map((p) => applySimilarity(m, p));
  const fit = fitSimilarity(from, to);
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(fit[k] - m[k]) < 1e-9, k);
});

test('the similarity chip puts the five landmarks on dlib\'s template (150 px, padding 0.25)', () => {
  const tpl = chipTemplate(150, 0.25);
  assert.ok(Math.abs(tpl[0]![0] - ((0.25 + DLIB_TEMPLATE5[0]![0]) / 1.5) * 150) < 1e-9);
  // A face whose 5 points are the template rotated by 20 degrees, scaled 2x and shifted.
  const m = { a: 2 * Math.cos(0.35), b: 2 * Math.sin(0.35), tx: 300, ty: 120 };
  const pts: Point[] = Array.from({ length: 68 }, () => [0, 0]);
  TEMPLATE5_FROM_68.forEach((idx, k) => (pts[idx] = applySimilarity(m, tpl[k]!)));
  const t = chipTransform(pts);
  tpl.forEach((p, k) => {
    const q = applySimilarity(t, p);
    const want = pts[TEMPLATE5_FROM_68[k]!]!;
    assert.ok(Math.hypot(q[0] - want[0], q[1] - want[1]) < 1e-6);
  });
  // warping: a bright dot at the landmark lands at the template point of the chip
  const img = { width: 700, height: 500, data: new Uint8Array(700 * 500 * 3) };
  const [lx, ly] = pts[TEMPLATE5_FROM_68[4]!]!;
  for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) img.data[((Math.round(ly) + dy) * 700 + Math.round(lx) + dx) * 3] = 255;
  const chip = warpSimilarity(img, t, 150);
  const [cx, cy] = tpl[4]!;
  assert.ok(chip[(Math.round(cy) * 150 + Math.round(cx)) * 3]! > 200);
  assert.equal(chip[(10 * 150 + 10) * 3], 0);
});

test('the dlib68 chip fits 33 landmarks to dlib\'s mean face, and one noisy landmark moves it little', () => {
  const tpl = chipTemplate68(150, 0.25);
  assert.equal(tpl.length, 33);
  assert.deepEqual(DLIB68_CHIP_POINTS.slice(0, 3), [27, 28, 29]);
  // nose tip (point 30) of the mean face sits on the chip's vertical centre line, below the eyes
  const nose = tpl[DLIB68_CHIP_POINTS.indexOf(30)]!;
  assert.ok(Math.abs(nose[0] - 75) < 1 && nose[1] > 75);
  const m = { a: 1.7 * Math.cos(-0.2), b: 1.7 * Math.sin(-0.2), tx: 90, ty: 40 };
  const pts: Point[] = Array.from({ length: 68 }, () => [0, 0]);
  DLIB68_CHIP_POINTS.forEach((idx, k) => (pts[idx] = applySimilarity(m, tpl[k]!)));
  const t = chipTransform68(pts);
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(t[k] - m[k]) < 1e-9, k);
  // one eye corner (point 36) off by 10 px moves the 33-point chip far less than the 5-point one
  const shift = (s: { a: number; b: number; tx: number; ty: number }) => {
    const p = applySimilarity(s, [75, 75]);
    const q = applySimilarity(m, [75, 75]);
    return Math.hypot(p[0] - q[0], p[1] - q[1]);
  };
  const off = (p: Point): Point => [p[0] + 10, p[1] + 10];
  const pts68 = pts.map((p, i) => (i === 36 ? off(p) : p));
  const pts5: Point[] = Array.from({ length: 68 }, () => [0, 0]);
  TEMPLATE5_FROM_68.forEach((idx, k) => (pts5[idx] = applySimilarity(m, chipTemplate(150, 0.25)[k]!)));
  pts5[36] = off(pts5[36]!);
  assert.ok(shift(chipTransform68(pts68)) < 0.5 * shift(chipTransform(pts5)));
});

test('face-api crop helpers: clipFloor and the eye/mouth square bounded by the crop size', () => {
  assert.deepEqual(clipFloor({ x: -5.5, y: 3.7, width: 50.9, height: 20 }, 40, 100), { x: 0, y: 3, width: 40, height: 20 });
  const pts: Point[] = Array.from({ length: 68 }, () => [0, 0]);
  for (let i = 36; i < 42; i++) pts[i] = [40, 50];
  for (let i = 42; i < 48; i++) pts[i] = [80, 50];
  for (let i = 48; i < 68; i++) pts[i] = [60, 95];
  const d = Math.hypot(20, 45);
  const size = Math.floor(d / 0.45);
  const r = faceapiAlignRect(pts, { x: 0, y: 0, width: 500, height: 500 }, 1000, 1000);
  assert.equal(r.width, size);
  assert.equal(r.x, Math.floor(60 - size / 2));
  assert.equal(r.y, Math.floor(Math.max(0, 65 - 0.43 * size)));
});

test('laplacianVariance is 0 on a flat chip and grows with detail', () => {
  const flat = new Float32Array(10 * 10 * 3).fill(128);
  assert.equal(laplacianVariance(flat, 10), 0);
  const check = Float32Array.from({ length: 300 }, (_, i) => (Math.floor(i / 3) % 2 === 0 ? 0 : 255));
  assert.ok(laplacianVariance(check, 10) > 1000);
});

test('padPasses: the factors in order, then the largest mirrored; no mirror when asked', () => {
  assert.deepEqual(padPasses([2, 3], true), [{ factor: 2, mirror: false }, { factor: 3, mirror: false }, { factor: 3, mirror: true }]);
  assert.deepEqual(padPasses([3, 1.5], true).at(-1), { factor: 3, mirror: true });
  assert.deepEqual(padPasses([2], false), [{ factor: 2, mirror: false }]);
});

test('a box found on the mirrored input maps back to the same place on the canvas', () => {
  const c = { score: 0.9, ymin: 0.1, xmin: 0.2, ymax: 0.5, xmax: 0.45 };
  assert.deepEqual(unmirror(c), { score: 0.9, ymin: 0.1, xmin: 0.55, ymax: 0.5, xmax: 0.8 });
  // mirrorChip moves a pixel at column x to column size-1-x (all three channels), rows untouched.
  const size = 5;
  const chip = new Float32Array(size * size * 3);
  chip.set([1, 2, 3], (2 * size + 1) * 3);
  mirrorChip(chip, size);
  assert.deepEqual([...chip.subarray((2 * size + 3) * 3, (2 * size + 4) * 3)], [1, 2, 3]);
  assert.equal(chip.reduce((a, v) => a + v, 0), 6);
});

/** A W x H image of pseudo-random bytes (seeded). */
function noiseImage(W: number, H: number, seed = 3) {
  const img = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  let s = seed;
  for (let i = 0; i < img.data.length; i++) img.data[i] = (s = (s * 1103515245 + 12345) % 2147483648) % 256;
  return img;
}

type Map2 = { a: number; b: number; tx: number; ty: number };
type Img = { width: number; height: number; data: Uint8Array };

/** The plain definition: bilinear, zero outside the image, k x k box when shrinking by more than 1.5x. */
function supersampled(img: Img, m: Map2, size: number): Float32Array {
  const { width: W, height: H } = img;
  const out = new Float32Array(size * size * 3);
  const k = Math.hypot(m.a, m.b) > 1.5 ? Math.ceil(Math.hypot(m.a, m.b)) : 1;
  const pix = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= W || y >= H ? 0 : img.data[(y * W + x) * 3 + c]!);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let sy = 0; sy < k; sy++) {
          for (let sx = 0; sx < k; sx++) {
            const cx = x + (k === 1 ? 0 : (sx + 0.5) / k - 0.5);
            const cy = y + (k === 1 ? 0 : (sy + 0.5) / k - 0.5);
            const ix = m.a * cx - m.b * cy + m.tx;
            const iy = m.b * cx + m.a * cy + m.ty;
            const x0 = Math.floor(ix);
            const y0 = Math.floor(iy);
            const fx = ix - x0;
            const fy = iy - y0;
            const top = pix(x0, y0, c) * (1 - fx) + pix(x0 + 1, y0, c) * fx;
            const bot = pix(x0, y0 + 1, c) * (1 - fx) + pix(x0 + 1, y0 + 1, c) * fx;
            acc += top * (1 - fy) + bot * fy;
          }
        }
        out[(y * size + x) * 3 + c] = acc / (k * k);
      }
    }
  }
  return out;
}

/** The plain definition with the pyramid: the whole image box-averaged by f = floor(scale) >= 2 (zeros past its edges, bytes), then sampled. */
function pyramid(img: Img, m: Map2, size: number): Float32Array {
  const f = Math.floor(Math.hypot(m.a, m.b));
  if (f < 2) return supersampled(img, m, size);
  const w = Math.ceil(img.width / f);
  const h = Math.ceil(img.height / f);
  const small = { width: w, height: h, data: new Uint8Array(w * h * 3) };
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = v * f; y < Math.min(img.height, (v + 1) * f); y++) for (let x = u * f; x < Math.min(img.width, (u + 1) * f); x++) sum += img.data[(y * img.width + x) * 3 + c]!;
        small.data[(v * w + u) * 3 + c] = Math.round(sum / (f * f));
      }
    }
  }
  const k = (f - 1) / 2;
  return supersampled(small, { a: m.a / f, b: m.b / f, tx: (m.tx - k) / f, ty: (m.ty - k) / f }, size);
}

test('warpSimilarity: the fast paths give exactly the plain definition (bilinear, zeros outside, box pyramid from 2x, k x k box above 1.5x), borders included', () => {
  const W = 97;
  const H = 61;
  const img = noiseImage(W, H);
  const maps = [
    { a: 0.6, b: 0.1, tx: 10, ty: 5 }, // enlarging, inside
    { a: 1.2 * Math.cos(0.4), b: 1.2 * Math.sin(0.4), tx: -8, ty: -3 }, // crosses the top-left border
    { a: 1.7, b: 0.2, tx: 5, ty: 4 }, // shrinking 1.7x: a 2 x 2 box, no pyramid
    { a: 2.6 * Math.cos(-0.3), b: 2.6 * Math.sin(-0.3), tx: 20, ty: 30 }, // shrinking 2.6x: pyramid of 2, past the right and bottom
    { a: 3.7 * Math.cos(0.5), b: 3.7 * Math.sin(0.5), tx: 41, ty: -7 }, // pyramid of 3 and a 2 x 2 box, past the top
    { a: 5, b: 0, tx: 300, ty: 300 }, // wholly outside: zeros
    { a: 1, b: 0, tx: W - 1, ty: H - 1 }, // the last column and row: the fast path must not read past them
  ];
  for (const m of maps) assert.deepEqual(warpSimilarity(img, m, 40), pyramid(img, m, 40), JSON.stringify(m));
  assert.ok(warpSimilarity(img, maps[5]!, 40).every((v) => v === 0));
});

test('warpSimilarity: the pyramid keeps what dense k x k sampling gives on a smooth image (within 2 levels)', () => {
  const W = 400;
  const H = 300;
  const img = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) img.data[(y * W + x) * 3 + c] = Math.round(127 + 100 * Math.sin(x / (17 + 5 * c)) * Math.cos(y / 23));
    }
  }
  for (const s of [2.2, 3.4]) {
    const m = { a: s * Math.cos(0.2), b: s * Math.sin(0.2), tx: 60, ty: 20 };
    const got = warpSimilarity(img, m, 60);
    const dense = supersampled(img, m, 60);
    const worst = got.reduce((w, v, i) => Math.max(w, Math.abs(v - dense[i]!)), 0);
    assert.ok(worst < 2, `scale ${s}: at most ${worst.toFixed(2)} levels from dense sampling`);
  }
});

test('yawOffset: 0 for a frontal face, 0.5 with the nose tip above an eye, the same after rotating and scaling, Infinity without eyes', () => {
  /** 68 points with the eyes centred at (-1, 0) and (1, 0) and the nose tip at (nx, 1). */
  const face = (nx: number): Point[] => {
    const pts: Point[] = Array.from({ length: 68 }, () => [0, 0]);
    for (let i = 36; i < 42; i++) pts[i] = [-1 + (i - 38.5) * 0.1, 0];
    for (let i = 42; i < 48; i++) pts[i] = [1 + (i - 44.5) * 0.1, 0];
    pts[30] = [nx, 1];
    return pts;
  };
  assert.ok(Math.abs(yawOffset(face(0))) < 1e-12);
  assert.ok(Math.abs(yawOffset(face(1)) - 0.5) < 1e-12);
  assert.ok(Math.abs(yawOffset(face(-1)) - 0.5) < 1e-12, 'either side');
  const m = { a: 3 * Math.cos(0.7), b: 3 * Math.sin(0.7), tx: 40, ty: -12 };
  assert.ok(Math.abs(yawOffset(face(0.4).map((p) => applySimilarity(m, p))) - 0.2) < 1e-9);
  assert.equal(yawOffset(Array.from({ length: 68 }, () => [5, 5] as Point)), Number.POSITIVE_INFINITY);
});
