/**
 * Average-linkage merging of Chinese-whispers clusters (pure).
 *
 * Why: video gives many near-identical frames of a person per camera visit. Chinese whispers
 * sees each visit as its own dense community (edges within a visit weigh 0.6-0.8), and the
 * weaker edges between visits of the same person on other cameras (other light, pose) lose
 * every vote, so one person becomes one cluster per camera. Measured on the sample clips: the
 * same man on two cameras, mean distance 0.45 between his two clusters, stayed split even with
 * every pair of faces in the graph; different people there are 0.65-0.8 apart.
 *
 * Rule: two clusters that share at least one graph edge are the same person when the mean
 * distance over all pairs of their faces (each side sampled to at most `sample` faces) is under
 * `maxAverage`. Candidates are merged closest first; a merged group is compared as a whole again
 * (so A~B and B~C never chain A and C together unless A~C holds on average); never across a
 * cannot-link.
 *
 * Spread check (`maxGap`): a cluster's own mean pairwise distance (its spread) shows how far
 * apart one person's faces lie under its camera's conditions. Two clusters whose mean distance
 * exceeds their spread (averaged over the sides with two or more faces) by `maxGap` or more are
 * two people even under `maxAverage`. Measured (scripts/clips-eval.ts, the demo): two different
 * men from one-person video clips, each cluster tight (spread 0.25), lay 0.49 apart on average
 * (gap 0.24) and were merged by the mean alone; the same person on two cameras lay 0.43-0.45
 * apart with gaps 0.12-0.17. On lfw-dev, where one person's photos vary far more, no merge has a
 * gap of 0.14 or more, so the check changes nothing there.
 */
import { euclidean } from '../index/distance.js';
import { UnionFind } from './union-find.js';

export interface LinkageInput {
  /** Cluster label per node; nodes with `skip(label)` true are ignored. */
  labels: ArrayLike<number>;
  /** Label pairs that share at least one edge. */
  candidates: ReadonlyArray<readonly [number, number]>;
  /** The descriptor of a node, or undefined if unknown. */
  vector(node: number): Float32Array | undefined;
  maxAverage: number;
  /** Largest mean distance minus spread (see above) for a merge; undefined or 0: no spread check. */
  maxGap?: number;
  /** Most faces per side used for a mean (evenly spaced, deterministic). */
  sample?: number;
  /** Node pairs that must never end up together. */
  cannotLink?: ReadonlyArray<readonly [number, number]>;
  skip?: (label: number) => boolean;
}

/** label -> label it merges into (only labels that move are present). */
export function averageLinkageMerges(input: LinkageInput): Map<number, number> {
  const sampleSize = input.sample ?? 48;
  const members = new Map<number, number[]>();
  for (let n = 0; n < input.labels.length; n++) {
    const l = input.labels[n]!;
    if (input.skip?.(l)) continue;
    (members.get(l) ?? members.set(l, []).get(l)!).push(n);
  }
  const cache = new Map<number, Float32Array | undefined>();
  const vec = (n: number) => (cache.has(n) ? cache.get(n) : cache.set(n, input.vector(n)).get(n));
  const sets = new UnionFind();
  const root = (l: number): number => sets.find(l);
  const groupOf = new Map<number, number[]>([...members].map(([l, nodes]) => [l, nodes]));
  const spreadOf = new Map<number, number>();
  const within = (l: number) => {
    if (!spreadOf.has(l)) spreadOf.set(l, meanWithin(spread(groupOf.get(l)!, sampleSize), vec));
    return spreadOf.get(l)!;
  };
  /** The pair's mean distance, or +Infinity when the spread check says "two people". */
  const mean = (a: number, b: number) => {
    const d = meanDistance(spread(groupOf.get(a)!, sampleSize), spread(groupOf.get(b)!, sampleSize), vec);
    if (!input.maxGap || !(d < input.maxAverage)) return d;
    const spreads = [within(a), within(b)].filter((w) => !Number.isNaN(w));
    if (spreads.length === 0) return d;
    return d - spreads.reduce((x, y) => x + y, 0) / spreads.length < input.maxGap ? d : Number.POSITIVE_INFINITY;
  };
  const scored = uniquePairs(input.candidates)
    .filter(([a, b]) => members.has(a) && members.has(b))
    .map(([a, b]) => ({ a, b, d: mean(a, b) }))
    .filter((c) => c.d < input.maxAverage)
    .sort((x, y) => x.d - y.d || x.a - y.a || x.b - y.b);
  const nodeLabel = (n: number) => root(input.labels[n]!);
  for (const { a, b } of scored) {
    const ra = root(a);
    const rb = root(b);
    if (ra === rb) continue;
    if ((ra !== a || rb !== b) && !(mean(ra, rb) < input.maxAverage)) continue;
    if (input.cannotLink?.some(([x, y]) => (nodeLabel(x) === ra && nodeLabel(y) === rb) || (nodeLabel(x) === rb && nodeLabel(y) === ra))) continue;
    const [keep, drop] = preferred(ra, rb, groupOf);
    sets.attach(drop, keep);
    groupOf.set(keep, [...groupOf.get(keep)!, ...groupOf.get(drop)!]);
    spreadOf.delete(keep);
  }
  const out = new Map<number, number>();
  for (const l of members.keys()) if (root(l) !== l) out.set(l, root(l));
  return out;
}

/** The label that survives: a stored person (>= 0) over a temporary one, then the larger, then the smaller label. */
function preferred(a: number, b: number, groups: Map<number, number[]>): [number, number] {
  if ((a >= 0) !== (b >= 0)) return a >= 0 ? [a, b] : [b, a];
  const sa = groups.get(a)!.length;
  const sb = groups.get(b)!.length;
  if (sa !== sb) return sa > sb ? [a, b] : [b, a];
  return Math.abs(a) < Math.abs(b) ? [a, b] : [b, a];
}

function uniquePairs(pairs: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const seen = new Set<string>();
  const out: Array<[number, number]> = [];
  for (const [x, y] of pairs) {
    if (x === y) continue;
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a},${b}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([a, b]);
    }
  }
  return out;
}

/** At most `k` items, evenly spaced (all of them when there are few). */
export function spread<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return [...items];
  return Array.from({ length: k }, (_, i) => items[Math.floor((i * items.length) / k)]!);
}

/** Mean Euclidean distance within one group (NaN with fewer than two vectors). */
export function meanWithin(nodes: readonly number[], vec: (n: number) => Float32Array | undefined): number {
  const vs = nodes.map(vec).filter((v): v is Float32Array => v !== undefined);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      sum += euclidean(vs[i]!, vs[j]!);
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Mean Euclidean distance over all pairs (nodes without a vector are left out). */
export function meanDistance(a: readonly number[], b: readonly number[], vec: (n: number) => Float32Array | undefined): number {
  let sum = 0;
  let count = 0;
  for (const x of a) {
    const vx = vec(x);
    if (!vx) continue;
    for (const y of b) {
      const vy = vec(y);
      if (!vy) continue;
      sum += euclidean(vx, vy);
      count++;
    }
  }
  return count === 0 ? Number.POSITIVE_INFINITY : sum / count;
}
