/**
 * Batch runs: the CW core over the whole live graph from singletons, as a full re-cluster does.
 *
 * Contract:
 * - Must-link groups are contracted to one super-node first (their edges summed into it; an
 *   edge inside a group becomes a self-loop, a vote of the super-node for its own label, so a
 *   group holds together as strongly as its faces would on their own and a face track is not
 *   pulled into another person by a few outside edges); cannot-link pairs become pairs of
 *   super-nodes.
 * - The first pass visits nodes in node order, i.e. arrival order (CwOptions.firstPass); the
 *   generator is a fresh `mulberry32(seed)`, so the same graph gives the same clusters.
 * - Result: the cluster of every node, -1 for removed faces, after linkage merges (merges.ts).
 * - `batchClustersAsync` runs the CW core in a worker thread once the graph has `threadAbove`
 *   nodes (default 20,000), with the same result as in this thread (threaded.ts).
 */
import { forEachEdge, type Adjacency, type CwResult } from './chinese-whispers.js';
import { mergeAll } from './merges.js';
import type { EngineState } from './state.js';
import { chineseWhispersJob, runCwJob, type CwJob } from './threaded.js';

export type FirstPass = 'random' | 'ordered';

/** Super-node of each node (must-link groups contracted) and the contracted adjacency. */
function contracted(s: EngineState): { superOf: Int32Array; adj: Adjacency } {
  const g = s.graph;
  const n = g.n;
  const superOf = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const group = s.constraints.groupOf(i);
    superOf[i] = group && group[0]! < i ? superOf[group[0]!]! : count++;
  }
  if (!s.constraints.hasGroups) return { superOf, adj: g };
  const degree = new Int32Array(count);
  for (let i = 0; i < n; i++) degree[superOf[i]!]! += g.degree[i]!;
  const offsets = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) offsets[c + 1] = offsets[c]! + degree[c]!;
  const targets = new Int32Array(offsets[count]!);
  const weights = new Float32Array(offsets[count]!);
  const fill = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    const from = superOf[i]!;
    forEachEdge(g, i, (target, w) => {
      const to = superOf[target]!;
      const at = offsets[from]! + fill[from]!++;
      targets[at] = to;
      weights[at] = w;
    });
  }
  return { superOf, adj: { n: count, offsets, degree: fill, targets, weights } };
}

function batchJob(s: EngineState, iterations: number, firstPass: FirstPass): { superOf: Int32Array; job: CwJob } {
  const { superOf, adj } = contracted(s);
  const cannotLink = s.constraints.cannotPairs().map(([a, b]): [number, number] => [superOf[a]!, superOf[b]!]);
  return { superOf, job: { adj, seed: s.opts.seed, iterations, cannotLink, firstPass, selfWeight: s.selfWeight } };
}

function finishBatch(s: EngineState, superOf: Int32Array, result: CwResult): Int32Array {
  const out = new Int32Array(s.graph.n);
  for (let i = 0; i < out.length; i++) out[i] = s.graph.alive[i] ? result.labels[superOf[i]!]! : -1;
  return mergeAll(s, out);
}

/** A batch run in this thread: cluster per node (-1: removed). */
export function batchClusters(s: EngineState, iterations = 100, firstPass: FirstPass = 'ordered'): Int32Array {
  const { superOf, job } = batchJob(s, iterations, firstPass);
  return finishBatch(s, superOf, runCwJob(job));
}

/** The same, with the CW core in a worker thread on large graphs. */
export async function batchClustersAsync(s: EngineState, opts: { iterations?: number; firstPass?: FirstPass; threadAbove?: number } = {}): Promise<Int32Array> {
  const { superOf, job } = batchJob(s, opts.iterations ?? 100, opts.firstPass ?? 'ordered');
  return finishBatch(s, superOf, await chineseWhispersJob(job, opts.threadAbove ?? 20_000));
}
