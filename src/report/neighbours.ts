/**
 * Pure: each person's nearest other people, as candidate merges for review. Candidates are the
 * k nearest by the distance between the people's mean descriptors (a cheap shortlist), then each
 * is scored as the clustering's linkage does (src/cluster/linkage.ts): the mean Euclidean distance
 * over all pairs of the two people's sample faces. There the same person on two cameras measured
 * 0.43-0.45 and different people 0.65-0.8.
 */
import { euclidean, squaredEuclidean } from '../index/distance.js';

export interface Neighbour {
  personId: number;
  /** Mean distance over all pairs of sample faces. */
  distance: number;
}

function mean(vectors: readonly Float32Array[]): Float32Array {
  const dim = vectors[0]?.length ?? 0;
  const out = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) out[i]! += v[i]! / vectors.length;
  return out;
}

export function meanPairDistance(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let sum = 0;
  for (const x of a) for (const y of b) sum += euclidean(x, y);
  return sum / (a.length * b.length);
}

/** For every person with samples: its `k` nearest others, closest first. */
export function nearestPeople(samples: ReadonlyMap<number, readonly Float32Array[]>, k = 5): Map<number, Neighbour[]> {
  const ids = [...samples.keys()].filter((id) => (samples.get(id)?.length ?? 0) > 0);
  const centroids = ids.map((id) => mean(samples.get(id)!));
  const out = new Map<number, Neighbour[]>();
  for (let i = 0; i < ids.length; i++) {
    const best: Array<{ j: number; d: number }> = [];
    for (let j = 0; j < ids.length; j++) {
      if (j === i) continue;
      const d = squaredEuclidean(centroids[i]!, centroids[j]!);
      if (best.length < k || d < best[best.length - 1]!.d) {
        best.push({ j, d });
        best.sort((x, y) => x.d - y.d);
        if (best.length > k) best.pop();
      }
    }
    const mine = samples.get(ids[i]!)!;
    out.set(
      ids[i]!,
      best
        .map(({ j }) => ({ personId: ids[j]!, distance: meanPairDistance(mine, samples.get(ids[j]!)!) }))
        .sort((x, y) => x.distance - y.distance || x.personId - y.personId),
    );
  }
  return out;
}
