/**
 * Linkage merges applied to the engine's clusters: after Chinese whispers, clusters that share
 * a graph edge and whose faces are on average close are one person (the rule and its spread
 * check are linkage.ts, pure). Two uses: on the neighbourhood an incremental update touched
 * (`mergeArea`, labels move in the label table) and on a whole batch result (`mergeAll`, a new
 * cluster array). Off unless `mergeAverage` and `vectorOf` are set. Never across a cannot-link.
 */
import { forEachEdge, type Adjacency } from './chinese-whispers.js';
import { averageLinkageMerges } from './linkage.js';
import type { EngineState } from './state.js';

/** Label pairs joined by an edge among `nodes` (both ends in `nodes`, labels differ). */
export function linkedLabelPairs(g: Adjacency, nodes: readonly number[], labels: ArrayLike<number>): Array<[number, number]> {
  const inside = new Set(nodes);
  const pairs: Array<[number, number]> = [];
  for (const n of nodes) {
    forEachEdge(g, n, (t) => {
      if (inside.has(t) && labels[t] !== labels[n]) pairs.push([labels[n]!, labels[t]!]);
    });
  }
  return pairs;
}

/** Merges among the clusters of `area` (sorted nodes); returns the nodes that moved. */
export function mergeArea(s: EngineState, area: number[]): number[] {
  const { mergeAverage, vectorOf, mergeGap } = s.opts;
  if (!mergeAverage || !vectorOf) return [];
  const candidates = linkedLabelPairs(s.graph, area, s.labels.raw);
  if (candidates.length === 0) return [];
  const inArea = new Set(area);
  const into = averageLinkageMerges({
    labels: Int32Array.from(area, (n) => s.labels.get(n)),
    candidates,
    vector: (i) => vectorOf(s.graph.faceIds[area[i]!]!),
    maxAverage: mergeAverage,
    ...(mergeGap ? { maxGap: mergeGap } : {}),
    cannotLink: s.constraints
      .cannotPairs()
      .filter(([a, b]) => inArea.has(a) && inArea.has(b))
      .map(([a, b]) => [area.indexOf(a), area.indexOf(b)] as [number, number]),
  });
  const moved: number[] = [];
  for (const n of area) {
    const to = into.get(s.labels.get(n));
    if (to !== undefined) {
      s.labels.move(n, to);
      moved.push(n);
    }
  }
  return moved;
}

/** Merges over a whole batch result (cluster per node, -1: removed); returns the merged clusters. */
export function mergeAll(s: EngineState, clusters: Int32Array): Int32Array {
  const { mergeAverage, vectorOf, mergeGap } = s.opts;
  if (!mergeAverage || !vectorOf) return clusters;
  const live: number[] = [];
  for (let i = 0; i < clusters.length; i++) if (clusters[i]! >= 0) live.push(i);
  const into = averageLinkageMerges({
    labels: clusters,
    candidates: linkedLabelPairs(s.graph, live, clusters),
    vector: (n) => vectorOf(s.graph.faceIds[n]!),
    maxAverage: mergeAverage,
    ...(mergeGap ? { maxGap: mergeGap } : {}),
    cannotLink: s.constraints.cannotPairs(),
    skip: (l) => l < 0,
  });
  return into.size === 0 ? clusters : clusters.map((c) => into.get(c) ?? c);
}
