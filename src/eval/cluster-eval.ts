/**
 * Clusters one set of descriptors several ways in the same run and scores each against the
 * truth: faceidx incremental (faces in the given order), faceidx batch, DBSCAN and dlib's recipe
 * at 0.5 and 0.6. The faceidx methods use the people core's in-memory half (src/people
 * face-graph.ts: the real HNSW index and the cluster engine, no store) with the config's
 * clustering settings; faces failing the quality gate stay singletons (they are not clustered).
 */
import type { Config } from '../config/schema.js';
import { silentLogger } from '../log/logger.js';
import { FaceGraph, type ClusteringSettings } from '../people/index.js';
import { dbscan, dlibRecipe } from './baselines.js';
import { bcubed, countClusters, pairwise, type Prf } from './metrics.js';

export interface MethodResult {
  clusters: number;
  seconds: number;
  pairwise: Prf;
  bcubed: Prf;
}

export type MethodName = 'incremental' | 'batch' | 'dbscan' | 'dlib' | 'dlib06';
export const METHODS: readonly MethodName[] = ['incremental', 'batch', 'dbscan', 'dlib', 'dlib06'];

export interface EvalInput {
  descriptors: Float32Array[];
  truth: Int32Array;
  /** Faces that passed the quality gate (default all). */
  clusterable?: boolean[];
}

type Clustering = ClusteringSettings;

export async function faceidx(input: EvalInput, cfg: Clustering, idx: Config['index'], mode: 'incremental' | 'batch'): Promise<Int32Array> {
  const n = input.descriptors.length;
  const graph = await FaceGraph.inMemory(cfg, idx, { capacity: n + 16, log: silentLogger, vectorOf: (id) => input.descriptors[id] });
  const ok = (i: number) => input.clusterable?.[i] ?? true;
  const faces = [...Array(n).keys()].filter(ok).map((i) => ({ id: i, descriptor: input.descriptors[i]! }));
  if (mode === 'incremental') for (const f of faces) await graph.insert([f]);
  else await graph.link(faces);
  const { engine } = graph;
  const labels = mode === 'batch' ? engine.batchClusters() : null;
  const out = new Int32Array(n);
  let single = -1;
  for (let i = 0; i < n; i++) {
    const node = engine.graph.node(i);
    if (node === undefined) out[i] = single--;
    else out[i] = labels ? labels[node]! : engine.labelOf(i)!;
  }
  return out;
}

function score(labels: Int32Array, truth: Int32Array, seconds: number): MethodResult {
  return { clusters: countClusters(labels), seconds, pairwise: pairwise(labels, truth), bcubed: bcubed(labels, truth) };
}

/** Runs every method on the input; returns results by method name. */
export async function evaluateClustering(input: EvalInput, cfg: Clustering, idx: Config['index']): Promise<Record<MethodName, MethodResult>> {
  const out = {} as Record<MethodName, MethodResult>;
  const run = async (name: MethodName, fn: () => Int32Array | Promise<Int32Array>) => {
    const t0 = performance.now();
    const labels = await fn();
    out[name] = score(labels, input.truth, (performance.now() - t0) / 1000);
  };
  await run('incremental', () => faceidx(input, cfg, idx, 'incremental'));
  await run('batch', () => faceidx(input, cfg, idx, 'batch'));
  await run('dbscan', () => dbscan(input.descriptors, 0.5, 5));
  await run('dlib', () => dlibRecipe(input.descriptors, 0.5, cfg.seed));
  await run('dlib06', () => dlibRecipe(input.descriptors, 0.6, cfg.seed));
  return out;
}

/** The readable table of an evaluation. */
export function evalTable(results: Record<MethodName, MethodResult>): string[][] {
  const f = (x: number) => x.toFixed(3);
  return METHODS.map((m) => {
    const r = results[m];
    return [m, String(r.clusters), r.seconds.toFixed(2), f(r.pairwise.precision), f(r.pairwise.recall), f(r.pairwise.f1), f(r.bcubed.precision), f(r.bcubed.recall), f(r.bcubed.f1)];
  });
}

export const EVAL_HEADERS = ['method', 'clusters', 'seconds', 'pair P', 'pair R', 'pair F1', 'B3 P', 'B3 R', 'B3 F1'];
