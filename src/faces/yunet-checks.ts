/**
 * Checks after the YuNet detector (pure).
 * - plausibleFaces: two faces cannot share most of one face's area. A box with more than
 *   MAX_SHARED of its area inside a higher-scoring box is dropped: the "second box on the top of a
 *   head looking down" that the models README saw on 1080p crowd footage (it overlaps the real
 *   face by less than the NMS IoU because it is much smaller). A face partly hidden behind
 *   another keeps more than half its box visible or is not detectable anyway.
 * - landmarkBox: the 68-point net's input box from a YuNet box.
 */
import type { Point } from './align.js';
import type { Rect } from './preprocess.js';

export interface CheckedFace {
  box: Rect;
  score: number;
  points5?: Point[];
}

export const MAX_SHARED = 0.5;

/** The share of `a`'s area that lies inside `b`. */
export function sharedArea(a: Rect, b: Rect): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const area = a.width * a.height;
  return area > 0 ? (w * h) / area : 1;
}

/** Best first; drops a face whose box lies more than MAX_SHARED inside a kept, better one. */
export function plausibleFaces<T extends CheckedFace>(faces: T[], maxShared = MAX_SHARED): T[] {
  const kept: T[] = [];
  for (const f of [...faces].sort((p, q) => q.score - p.score)) {
    if (kept.every((k) => sharedArea(f.box, k.box) <= maxShared)) kept.push(f);
  }
  return kept;
}

/**
 * The box the 68-point landmark net expects (face-api's SSD box) from a YuNet box. Measured on
 * 391 lfw-dev images both detectors found (medians, NOTES.md): the SSD box is 1.07x as wide,
 * 0.924x as high, its centre 0.007 box heights lower; the centres agree horizontally (-0.013 w).
 */
export const SSD_FROM_YUNET = { width: 1.07, height: 0.924, dy: 0.007 } as const;

export function landmarkBox(box: Rect): Rect {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height * (0.5 + SSD_FROM_YUNET.dy);
  const w = box.width * SSD_FROM_YUNET.width;
  const h = box.height * SSD_FROM_YUNET.height;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}
