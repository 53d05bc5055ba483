/**
 * Box geometry for linking faces frame to frame (pure): overlap, centre distance relative to
 * face size, constant-velocity prediction, and descriptor distance.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Centre velocity and height change per millisecond. */
export interface Velocity {
  vx: number;
  vy: number;
  vh: number;
}

export const STILL: Velocity = { vx: 0, vy: 0, vh: 0 };

export function centre(b: Box): [number, number] {
  return [b.x + b.width / 2, b.y + b.height / 2];
}

/** Intersection over union, 0 for disjoint or empty boxes. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Distance between the box centres, in units of the larger of the two box heights. */
export function centreDistance(a: Box, b: Box): number {
  const [ax, ay] = centre(a);
  const [bx, by] = centre(b);
  const size = Math.max(a.height, b.height, 1);
  return Math.hypot(ax - bx, ay - by) / size;
}

/** Where the box is expected `dtMs` later if it keeps its velocity (the size never below 1 px). */
export function predict(b: Box, v: Velocity, dtMs: number): Box {
  const [cx, cy] = centre(b);
  const h = Math.max(1, b.height + v.vh * dtMs);
  const w = Math.max(1, b.width * (h / Math.max(b.height, 1)));
  const nx = cx + v.vx * dtMs;
  const ny = cy + v.vy * dtMs;
  return { x: nx - w / 2, y: ny - h / 2, width: w, height: h };
}

/**
 * The velocity after seeing `next` `dtMs` after `prev`: the measured motion, averaged with the
 * previous velocity (`smoothing` = weight of the old one) so one jittery box does not fling the
 * prediction. A dt of 0 or less keeps the old velocity.
 */
export function updateVelocity(prev: Box, next: Box, dtMs: number, old: Velocity, smoothing = 0.5): Velocity {
  if (!(dtMs > 0)) return old;
  const [px, py] = centre(prev);
  const [nx, ny] = centre(next);
  const measured = { vx: (nx - px) / dtMs, vy: (ny - py) / dtMs, vh: (next.height - prev.height) / dtMs };
  const k = 1 - smoothing;
  return {
    vx: old.vx * smoothing + measured.vx * k,
    vy: old.vy * smoothing + measured.vy * k,
    vh: old.vh * smoothing + measured.vh * k,
  };
}

/** Euclidean distance of two descriptors of equal length. */
export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}
