/**
 * Pure geometry between the detector, the landmark net and the descriptor net:
 * face-api's crops (for parity) and dlib's similarity chips (from 5 or from 68 landmarks).
 */
import type { Rect, Similarity } from './preprocess.js';

export type Point = [number, number];

export const CHIP_SIZE = 150;
export const CHIP_PADDING = 0.25;

/** dlib's 5-point template on the unit square (get_face_chip_details), before padding. */
export const DLIB_TEMPLATE5: readonly Point[] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

/** The 68-point indices matching the template: image-right eye outer/inner, image-left eye outer/inner, nose base. */
export const TEMPLATE5_FROM_68 = [45, 42, 36, 39, 33] as const;

/** dlib's mean face for points 17..67 of the 68-point layout on the unit square (get_face_chip_details). */
const DLIB_MEAN68_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124,
  0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
  0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918,
  0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
  0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
  0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
  0.553364, 0.490127, 0.42689,
];
const DLIB_MEAN68_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891,
  0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
  0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733,
  0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
  0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
  0.784792, 0.824182, 0.831803, 0.824182,
];

/** The points dlib's 68-landmark chip is fitted to: nose, eyes and upper lip (27..54, 60..64). */
export const DLIB68_CHIP_POINTS: readonly number[] = [...Array.from({ length: 28 }, (_, i) => 27 + i), 60, 61, 62, 63, 64];

/** face-api's `clipAtImageBorders(...).floor()`: the integer crop that feeds the landmark net. */
export function clipFloor(box: Rect, width: number, height: number): Rect {
  const x = Math.max(box.x, 0);
  const y = Math.max(box.y, 0);
  const w = Math.min(box.x + box.width - x, width - x);
  const h = Math.min(box.y + box.height - y, height - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(w), height: Math.floor(h) };
}

/**
 * Landmark net output (136 values, 0..1 of its centred-square 112 input) -> image pixels.
 * Like face-api: unpad with |w-h|/2 at input scale, scale by the crop size, then shift by the
 * unrounded detection box (`shift`).
 */
export function landmarksToImage(out: ArrayLike<number>, offset: number, crop: Rect, shift: { x: number; y: number }, inputSize = 112): Point[] {
  const s = inputSize / Math.max(crop.width, crop.height);
  const w = crop.width * s;
  const h = crop.height * s;
  const padX = w < h ? Math.abs(w - h) / 2 : 0;
  const padY = h < w ? Math.abs(w - h) / 2 : 0;
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) {
    const rx = (out[offset + 2 * i]! * inputSize - padX) / w;
    const ry = (out[offset + 2 * i + 1]! * inputSize - padY) / h;
    pts.push([rx * crop.width + shift.x, ry * crop.height + shift.y]);
  }
  return pts;
}

export function centre(pts: Point[], from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += pts[i]![0];
    y += pts[i]![1];
  }
  return [x / (to - from), y / (to - from)];
}

/** Distance between the two eye centres (68-point layout). */
export function eyeDistance(pts: Point[]): number {
  const l = centre(pts, 36, 42);
  const r = centre(pts, 42, 48);
  return Math.hypot(l[0] - r[0], l[1] - r[1]);
}

/**
 * How far the head is turned, from the 68 landmarks: the nose tip's offset from the midpoint of
 * the eye centres, along the line through the eyes, in eye distances (absolute value). About 0
 * for a frontal face; 0.5 puts the nose tip above an eye centre (a strongly turned head); beyond
 * that the landmark net is guessing at a profile. Infinity when the eyes coincide.
 */
export function yawOffset(pts: Point[]): number {
  const l = centre(pts, 36, 42);
  const r = centre(pts, 42, 48);
  const nose = pts[30]!;
  const ex = r[0] - l[0];
  const ey = r[1] - l[1];
  const e2 = ex * ex + ey * ey;
  if (!(e2 > 0)) return Number.POSITIVE_INFINITY;
  return Math.abs(((nose[0] - (l[0] + r[0]) / 2) * ex + (nose[1] - (l[1] + r[1]) / 2) * ey) / e2);
}

/** The five points YuNet gives, taken from the 68: eye centres, nose tip (30), mouth corners (48, 54). */
export function points5From68(pts: Point[]): Point[] {
  return [centre(pts, 36, 42), centre(pts, 42, 48), pts[30]!, pts[48]!, pts[54]!];
}

/** Distance between the eye centres of the five points. */
export function eyeDistance5(p5: Point[]): number {
  return Math.hypot(p5[1]![0] - p5[0]![0], p5[1]![1] - p5[0]![1]);
}

/**
 * yawOffset from the five points (eye centres and nose tip): the same measure as the 68-point
 * one for any detector, since that one also uses the eye centres and the nose tip (point 30).
 */
export function yawOffset5(p5: Point[]): number {
  const [l, r, nose] = p5 as [Point, Point, Point];
  const ex = r[0] - l[0];
  const ey = r[1] - l[1];
  const e2 = ex * ex + ey * ey;
  if (!(e2 > 0)) return Number.POSITIVE_INFINITY;
  return Math.abs(((nose[0] - (l[0] + r[0]) / 2) * ex + (nose[1] - (l[1] + r[1]) / 2) * ey) / e2);
}

/**
 * face-api's descriptor crop (`landmarks.align(null, {useDlibAlignment: true})`): a square of
 * side floor(mean eye-mouth distance / 0.45) around the eye and mouth centres, bounded by the
 * landmark crop's own size (face-api's quirk), then clipped to the image and floored.
 */
export function faceapiAlignRect(pts: Point[], crop: Rect, width: number, height: number): Rect {
  const le = centre(pts, 36, 42);
  const re = centre(pts, 42, 48);
  const mo = centre(pts, 48, 68);
  const d = (Math.hypot(mo[0] - le[0], mo[1] - le[1]) + Math.hypot(mo[0] - re[0], mo[1] - re[1])) / 2;
  const size = Math.floor(d / 0.45);
  const ref: Point = [(le[0] + re[0] + mo[0]) / 3, (le[1] + re[1] + mo[1]) / 3];
  const x = Math.floor(Math.max(0, ref[0] - 0.5 * size));
  const y = Math.floor(Math.max(0, ref[1] - 0.43 * size));
  const rect = { x, y, width: Math.min(size, crop.width + x), height: Math.min(size, crop.height + y) };
  return clipFloor(rect, width, height);
}

/** Least-squares similarity (Umeyama, no reflection) mapping `from[i]` onto `to[i]`. */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  let mfx = 0, mfy = 0, mtx = 0, mty = 0;
  for (let i = 0; i < n; i++) {
    mfx += from[i]![0]; mfy += from[i]![1]; mtx += to[i]![0]; mty += to[i]![1];
  }
  mfx /= n; mfy /= n; mtx /= n; mty /= n;
  let sxx = 0, sxy = 0, varF = 0;
  for (let i = 0; i < n; i++) {
    const fx = from[i]![0] - mfx, fy = from[i]![1] - mfy;
    const tx = to[i]![0] - mtx, ty = to[i]![1] - mty;
    sxx += fx * tx + fy * ty; // sum of dot products
    sxy += fx * ty - fy * tx; // sum of cross products
    varF += fx * fx + fy * fy;
  }
  if (varF === 0) throw new Error('fitSimilarity: the source points coincide');
  const a = sxx / varF;
  const b = sxy / varF;
  return { a, b, tx: mtx - (a * mfx - b * mfy), ty: mty - (b * mfx + a * mfy) };
}

export function applySimilarity(m: Similarity, p: Point): Point {
  return [m.a * p[0] - m.b * p[1] + m.tx, m.b * p[0] + m.a * p[1] + m.ty];
}

/** Template points on a `size` chip with `padding` (dlib: (padding + p) / (2 * padding + 1) * size). */
export function chipTemplate(size = CHIP_SIZE, padding = CHIP_PADDING): Point[] {
  return DLIB_TEMPLATE5.map(([x, y]) => [((padding + x) / (2 * padding + 1)) * size, ((padding + y) / (2 * padding + 1)) * size]);
}

/** dlib's 5-point chip: the similarity mapping chip pixels -> image pixels, fitted to 5 of the 68 landmarks. */
export function chipTransform(pts: Point[], size = CHIP_SIZE, padding = CHIP_PADDING): Similarity {
  const src = TEMPLATE5_FROM_68.map((i) => pts[i]!);
  return fitSimilarity(chipTemplate(size, padding), src);
}

/**
 * Where a detector's five points (eye centres, nose tip, mouth corners; YuNet's definition)
 * land on dlib's 68-point chip (chipTransform68), on a 150 chip with padding 0.25: the median
 * over 523 lfw-dev faces (YuNet's points mapped through each face's dlib68 chip; NOTES.md).
 * dlib's mean face at the same five points differs by 0.2-2.6 px (the eyes 2 px closer).
 */
const FIVE_ON_CHIP150: readonly Point[] = [[47.73, 46.47], [102.55, 46.83], [75.25, 79.04], [51.33, 104.05], [99.43, 103.98]];

/** The five-point template on a `size` chip with `padding` (rescaled from FIVE_ON_CHIP150). */
export function chipTemplateFive(size = CHIP_SIZE, padding = CHIP_PADDING): Point[] {
  const unit = (v: number) => (v / CHIP_SIZE) * (2 * CHIP_PADDING + 1) - CHIP_PADDING;
  return FIVE_ON_CHIP150.map(([x, y]) => [((padding + unit(x)) / (2 * padding + 1)) * size, ((padding + unit(y)) / (2 * padding + 1)) * size]);
}

/** The chip from five points (points5: YuNet's own, or points5From68) fitted to chipTemplateFive. */
export function chipTransformFive(p5: Point[], size = CHIP_SIZE, padding = CHIP_PADDING): Similarity {
  return fitSimilarity(chipTemplateFive(size, padding), p5);
}

/** dlib's mean-face positions of DLIB68_CHIP_POINTS on a `size` chip with `padding`. */
export function chipTemplate68(size = CHIP_SIZE, padding = CHIP_PADDING): Point[] {
  const at = (v: number) => ((padding + v) / (2 * padding + 1)) * size;
  return DLIB68_CHIP_POINTS.map((i) => [at(DLIB_MEAN68_X[i - 17]!), at(DLIB_MEAN68_Y[i - 17]!)]);
}

/**
 * dlib's chip from 68 landmarks (get_face_chip_details given a 68-point shape): the least-squares
 * similarity over 33 points of nose, eyes and upper lip, so the noise of single landmarks averages out.
 */
export function chipTransform68(pts: Point[], size = CHIP_SIZE, padding = CHIP_PADDING): Similarity {
  return fitSimilarity(chipTemplate68(size, padding), DLIB68_CHIP_POINTS.map((i) => pts[i]!));
}
