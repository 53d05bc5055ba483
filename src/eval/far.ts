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
export function operatingPoint(dist: ReadonlyArray<number | null>, same: readonly boolean[], threshold: number): OperatingPoint {
  let fa = 0;
  let ta = 0;
  let nd = 0;
  let ns = 0;
  dist.forEach((d, i) => {
    if (same[i]) ns++;
    else nd++;
    if (d === null || d >= threshold) return;
    if (same[i]) ta++;
    else fa++;
  });
  return { threshold, far: nd ? fa / nd : 0, tar: ns ? ta / ns : 0, falseAccepts: fa, trueAccepts: ta };
}

/**
 * The largest threshold whose FAR is at most `far`: the midpoint between the different-pair
 * distance that would be the next false accept and the one before it.
 */
export function thresholdAtFar(dist: ReadonlyArray<number | null>, same: readonly boolean[], far: number): OperatingPoint {
  const diff = dist.filter((d, i): d is number => d !== null && !same[i]).sort((a, b) => a - b);
  const nDiff = same.filter((s) => !s).length;
  const allowed = Math.floor(far * nDiff + 1e-9);
  if (allowed >= diff.length) return operatingPoint(dist, same, Infinity);
  const next = diff[allowed]!;
  const before = allowed > 0 ? diff[allowed - 1]! : next - 1e-3;
  // Ties at `next` must all stay rejected: the midpoint is below next; if before === next, step under it.
  const t = before < next ? (before + next) / 2 : Math.max(0, next - 1e-6);
  return operatingPoint(dist, same, t);
}
