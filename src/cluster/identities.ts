/**
 * Stable person ids across re-clusters, by overlap. Given the person each face had before
 * and the cluster it has now, each cluster inherits the id of the person it shares most faces
 * with (largest overlaps first; ties go to the older, smaller id), so ids, labels and first-seen
 * times survive. A cluster that inherits nothing is a real split (or a new person) and gets a
 * new id; a person no cluster inherited is a real merge and is retired into the cluster that
 * took most of its faces.
 */

export interface Matching {
  /** Person id inherited by each cluster, or null for a new id. */
  personOf: Map<number, number | null>;
  /** Old people no cluster inherited, with the cluster that took most of their faces. */
  retired: Array<{ person: number; into: number | null }>;
}

/**
 * `before[i]`: the person of face i (a negative number or NaN: none yet); `after[i]`: its new
 * cluster (negative: skip the face, e.g. removed).
 */
export function matchClusters(before: ArrayLike<number>, after: ArrayLike<number>): Matching {
  const overlap = new Map<number, Map<number, number>>(); // cluster -> person -> count
  const people = new Set<number>();
  const clusters = new Set<number>();
  for (let i = 0; i < after.length; i++) {
    const c = after[i]!;
    if (c < 0) continue;
    clusters.add(c);
    const p = before[i]!;
    if (!(p >= 0)) continue;
    people.add(p);
    const m = overlap.get(c) ?? overlap.set(c, new Map()).get(c)!;
    m.set(p, (m.get(p) ?? 0) + 1);
  }
  const pairs: Array<[c: number, p: number, n: number]> = [];
  for (const [c, m] of overlap) for (const [p, n] of m) pairs.push([c, p, n]);
  pairs.sort((x, y) => y[2] - x[2] || x[1] - y[1] || x[0] - y[0]);
  const personOf = new Map<number, number | null>();
  const taken = new Set<number>();
  const best = new Map<number, number>(); // person -> cluster holding most of its faces
  for (const [c, p] of pairs) {
    if (!best.has(p)) best.set(p, c);
    if (personOf.has(c) || taken.has(p)) continue;
    personOf.set(c, p);
    taken.add(p);
  }
  for (const c of clusters) if (!personOf.has(c)) personOf.set(c, null);
  const retired = [...people].filter((p) => !taken.has(p)).sort((a, b) => a - b).map((p) => ({ person: p, into: best.get(p) ?? null }));
  return { personOf, retired };
}
