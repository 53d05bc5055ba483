/** Pure SSD post-processing: anchor decoding, greedy NMS, mapping back to image pixels. */
import type { Canvas, Rect } from './preprocess.js';

/** A candidate in canvas-normalised corners [ymin, xmin, ymax, xmax]. */
export interface Candidate {
  score: number;
  ymin: number;
  xmin: number;
  ymax: number;
  xmax: number;
}

/**
 * Decodes item `n` of the detector's raw outputs: box encodings (ty, tx, th, tw divided by
 * 10, 10, 5, 5 against each anchor) and class logits (score = sigmoid of class 1).
 * Keeps candidates with score > minScore.
 */
export function decodeSsd(boxes: Float32Array, logits: Float32Array, anchors: Float32Array, n: number, minScore: number): Candidate[] {
  const count = anchors.length / 4;
  const out: Candidate[] = [];
  for (let i = 0; i < count; i++) {
    const score = 1 / (1 + Math.exp(-logits[(n * count + i) * 3 + 1]!));
    if (!(score > minScore)) continue;
    const a = i * 4;
    const ah = anchors[a + 2]! - anchors[a]!;
    const aw = anchors[a + 3]! - anchors[a + 1]!;
    const acy = anchors[a]! + ah / 2;
    const acx = anchors[a + 1]! + aw / 2;
    const b = (n * count + i) * 4;
    const cy = (boxes[b]! / 10) * ah + acy;
    const cx = (boxes[b + 1]! / 10) * aw + acx;
    const hh = (Math.exp(boxes[b + 2]! / 5) * ah) / 2;
    const hw = (Math.exp(boxes[b + 3]! / 5) * aw) / 2;
    out.push({ score, ymin: cy - hh, xmin: cx - hw, ymax: cy + hh, xmax: cx + hw });
  }
  return out;
}

export function iou(p: Candidate, q: Candidate): number {
  const areaP = (p.ymax - p.ymin) * (p.xmax - p.xmin);
  const areaQ = (q.ymax - q.ymin) * (q.xmax - q.xmin);
  if (areaP <= 0 || areaQ <= 0) return 0;
  const h = Math.max(Math.min(p.ymax, q.ymax) - Math.max(p.ymin, q.ymin), 0);
  const w = Math.max(Math.min(p.xmax, q.xmax) - Math.max(p.xmin, q.xmin), 0);
  const inter = h * w;
  return inter / (areaP + areaQ - inter);
}

/** Greedy non-maximum suppression: best first, dropping any box overlapping a kept one by > iouThreshold. */
export function nms<T extends Candidate>(cands: T[], iouThreshold: number, maxResults = 100): T[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    if (kept.length >= maxResults) break;
    if (kept.every((k) => iou(c, k) <= iouThreshold)) kept.push(c);
  }
  return kept;
}

export function rectIou(a: Rect, b: Rect): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Canvas-normalised corners -> image pixels. The plain letterbox pass uses face-api's exact
 * scale (512 / round(side * 512 / longer side) per axis) and clips to the canvas like it does;
 * padded passes map through the canvas and clip to the image.
 */
export function toImageRect(c: Candidate, canvas: Canvas, width: number, height: number, inputSize = 512): Rect {
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  if (canvas.ox === 0 && canvas.oy === 0 && canvas.side === Math.max(width, height)) {
    const sx = (inputSize / Math.round((width * inputSize) / canvas.side)) * width;
    const sy = (inputSize / Math.round((height * inputSize) / canvas.side)) * height;
    const x = clip(c.xmin) * sx;
    const y = clip(c.ymin) * sy;
    return { x, y, width: clip(c.xmax) * sx - x, height: clip(c.ymax) * sy - y };
  }
  const x0 = Math.max(0, canvas.ox + c.xmin * canvas.side);
  const y0 = Math.max(0, canvas.oy + c.ymin * canvas.side);
  const x1 = Math.min(width, canvas.ox + c.xmax * canvas.side);
  const y1 = Math.min(height, canvas.oy + c.ymax * canvas.side);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** Merges detections from several passes (image pixels): greedy NMS on the pixel boxes. */
export function mergeDetections<T extends { box: Rect; score: number }>(dets: T[], iouThreshold: number): T[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const d of sorted) if (kept.every((k) => rectIou(k.box, d.box) <= iouThreshold)) kept.push(d);
  return kept;
}

export interface PadPassPlan {
  factor: number;
  mirror: boolean;
}

/** The padded passes after the plain one: each factor in order, then the largest again mirrored. */
export function padPasses(factors: readonly number[], mirror: boolean): PadPassPlan[] {
  const plan = factors.map((factor) => ({ factor, mirror: false }));
  if (mirror && factors.length > 0) plan.push({ factor: Math.max(...factors), mirror: true });
  return plan;
}

/** A candidate found on the mirrored input, in the unmirrored canvas (x -> 1 - x). */
export function unmirror(c: Candidate): Candidate {
  return { ...c, xmin: 1 - c.xmax, xmax: 1 - c.xmin };
}
