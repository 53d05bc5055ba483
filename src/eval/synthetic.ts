/**
 * Seeded synthetic face-like descriptors: 128-d Gaussian clusters ("people") whose
 * within-person distances (about 0.35) and between-person distances (about 1.0) resemble
 * dlib-ResNet descriptors. Used by tests and the bench; never real data.
 */
import { mulberry32, type Rng } from '../cluster/chinese-whispers.js';

export const DIM = 128;

/** Standard normal via Box-Muller. */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export interface SyntheticSet {
  descriptors: Float32Array[];
  /** True person of each descriptor. */
  truth: Int32Array;
  people: number;
}

export interface SyntheticOptions {
  people: number;
  /** Faces per person: a fixed number or a [min, max] range. */
  perPerson: number | [number, number];
  seed: number;
  /** Typical distance between two faces of one person (default 0.35). */
  within?: number;
  /** Typical distance between two people's centres (default 1.0). */
  between?: number;
  /** Shuffle faces (default true; false keeps them grouped by person). */
  shuffle?: boolean;
}

export function syntheticFaces(opts: SyntheticOptions): SyntheticSet {
  const rng = mulberry32(opts.seed);
  const sc = (opts.between ?? 1.0) / Math.sqrt(2 * DIM);
  const sn = (opts.within ?? 0.35) / Math.sqrt(2 * DIM);
  const descriptors: Float32Array[] = [];
  const truth: number[] = [];
  for (let p = 0; p < opts.people; p++) {
    const centre = new Float32Array(DIM);
    for (let i = 0; i < DIM; i++) centre[i] = gaussian(rng) * sc;
    const [lo, hi] = typeof opts.perPerson === 'number' ? [opts.perPerson, opts.perPerson] : opts.perPerson;
    const count = lo + Math.floor(rng() * (hi - lo + 1));
    for (let f = 0; f < count; f++) {
      const d = new Float32Array(DIM);
      for (let i = 0; i < DIM; i++) d[i] = centre[i]! + gaussian(rng) * sn;
      descriptors.push(d);
      truth.push(p);
    }
  }
  const order = Array.from(descriptors.keys());
  if (opts.shuffle !== false) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  return { descriptors: order.map((i) => descriptors[i]!), truth: Int32Array.from(order.map((i) => truth[i]!)), people: opts.people };
}

/** Euclidean distance. */
export { euclidean as l2 } from '../index/distance.js';
