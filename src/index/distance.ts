/** The distance faceidx compares descriptors with: Euclidean, on the raw (not unit-length) vectors. */

export function squaredEuclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]! - b[i]!;
    s += t * t;
  }
  return s;
}

export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.sqrt(squaredEuclidean(a, b));
}
