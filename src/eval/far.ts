/**
 * Operating points of a verification set (pure): the distance threshold at which a chosen share
 * of different-person pairs is accepted (the false-accept rate, FAR) and the share of same-person
 * pairs accepted there (TAR). A pair is accepted when its distance is below the threshold; a pair
 * with a missing distance (no face found) is never accepted, so it lowers the TAR and never
 * raises the FAR. Used to choose alerts.threshold (scripts/watch-threshold.ts).
 */

export interface OperatingPoint {
  threshold: number;
  far: number;
  tar: number;
  falseAccepts: number;
  trueAccepts: number;
}

/** FAR and TAR at a given threshold. */
export function operatingPoint(dist: ArrayLike<number | null>, same: ArrayLike<boolean | number>, threshold: number): OperatingPoint {
  let fa = 0;
  let ta = 0;
  let nd = 0;
  let ns = 0;
  for (let i = 0; i < dist.length; i++) {
    const d = dist[i]!;
    if (same[i]) ns++;
    else nd++;
    if (d === null || d >= threshold) continue;
    if (same[i]) ta++;
    else fa++;
  }
  return { threshold, far: nd ? fa / nd : 0, tar: ns ? ta / ns : 0, falseAccepts: fa, trueAccepts: ta };
}

/**
 * The largest threshold whose FAR is at most `far`: the midpoint between the different-pair
 * distance that would be the next false accept and the one before it.
 */
export function thresholdAtFar(dist: ArrayLike<number | null>, same: ArrayLike<boolean | number>, far: number): OperatingPoint {
  let nDiff = 0;
  const found: number[] = [];
  for (let i = 0; i < dist.length; i++) {
    if (same[i]) continue;
    nDiff++;
    if (dist[i] !== null) found.push(dist[i]!);
  }
  const diff = Float64Array.from(found).sort();
  const allowed = Math.floor(far * nDiff + 1e-9);
  if (allowed >= diff.length) return operatingPoint(dist, same, Infinity);
  const next = diff[allowed]!;
  const before = allowed > 0 ? diff[allowed - 1]! : next - 1e-3;
  // Ties at `next` must all stay rejected: the midpoint is below next; if before === next, step under it.
  const t = before < next ? (before + next) / 2 : Math.max(0, next - 1e-6);
  return operatingPoint(dist, same, t);
}

/**
 * Every pair of a labelled set: distances and whether the two share a label (a far larger
 * impostor sample than a pairs file: n images give about n^2/2 pairs, so a FAR of 0.1% or 0.01%
 * rests on thousands of pairs, not three).
 */
export function allPairs(items: ReadonlyArray<{ label: string; descriptor: Float32Array }>, distance: (a: Float32Array, b: Float32Array) => number): { dist: Float32Array; same: Uint8Array } {
  const n = items.length;
  const dist = new Float32Array((n * (n - 1)) / 2);
  const same = new Uint8Array(dist.length);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      dist[k] = distance(items[i]!.descriptor, items[j]!.descriptor);
      same[k] = items[i]!.label === items[j]!.label ? 1 : 0;
    }
  }
  return { dist, same };
}
