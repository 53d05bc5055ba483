/**
 * The in-memory half of the people core, without the store: the HNSW index and the cluster
 * engine (kNN graph + labels), fed together so they never disagree. A face is added to the
 * index, its nearest neighbours are looked up there, and it joins the graph with those edges.
 * The people core (core.ts) persists what this changes; the clustering evaluation
 * (src/eval/cluster-eval.ts) uses it as it is, in memory.
 *
 * hnswlib and the engine are synchronous: long runs yield to the event loop about every 20 ms.
 */
import type { Config } from '../config/schema.js';
import { ClusterEngine, type EngineOptions } from '../cluster/engine.js';
import type { LiveGraph } from '../cluster/graph.js';
import { FaceIndex, type FaceVector } from '../index/hnsw.js';
import type { Logger } from '../log/logger.js';

export type ClusteringSettings = Pick<Config['clustering'], 'threshold' | 'k' | 'seed'> & {
  weight?: Config['clustering']['weight'];
  joinDistance?: number | undefined;
  mergeAverage?: number | undefined;
  mergeGap?: number | undefined;
};

const SLICE_MS = 20;
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The one place the engine's options come from the `clustering` config. */
export function engineOptions(c: ClusteringSettings, vectorOf: (faceId: number) => Float32Array | undefined, capacity: number): EngineOptions {
  return {
    threshold: c.threshold,
    k: c.k,
    weight: c.weight ?? 'linear',
    joinDistance: c.joinDistance,
    seed: c.seed,
    capacity,
    mergeAverage: c.mergeAverage,
    mergeGap: c.mergeGap,
    vectorOf,
  };
}

export class FaceGraph {
  constructor(
    readonly index: FaceIndex,
    readonly engine: ClusterEngine,
    private readonly k: number,
  ) {}

  /**
   * An in-memory index and a fresh engine (eval, bench); `vectorOf` defaults to the index's
   * stored vectors.
   */
  static async inMemory(c: ClusteringSettings, idx: Config['index'], opts: { capacity: number; log: Logger; vectorOf?: (id: number) => Float32Array | undefined }): Promise<FaceGraph> {
    const index = await FaceIndex.open({ dir: null, ...idx, log: opts.log, capacity: opts.capacity });
    return FaceGraph.over(index, c, opts.capacity, undefined, opts.vectorOf);
  }

  /** An engine over an opened index, on a loaded graph when there is one. */
  static over(index: FaceIndex, c: ClusteringSettings, capacity: number, graph?: LiveGraph, vectorOf?: (id: number) => Float32Array | undefined): FaceGraph {
    const engine = new ClusterEngine(engineOptions(c, vectorOf ?? ((id) => index.vector(id)), capacity), graph);
    return new FaceGraph(index, engine, c.k);
  }

  /** Nearest faces of a descriptor (the face itself included when indexed): k + 1 hits. */
  private hits(descriptor: Float32Array) {
    return this.index.knn(descriptor, this.k + 1);
  }

  private async indexFresh(faces: readonly FaceVector[]): Promise<void> {
    const fresh = faces.filter((f) => !this.index.has(f.id));
    if (fresh.length > 0) await this.index.add(fresh);
  }

  /** The incremental update for each face in turn (indexed first when new). */
  async insert(faces: readonly FaceVector[]): Promise<void> {
    await this.indexFresh(faces);
    await sliced(faces, (f) => this.engine.insert(f.id, this.hits(f.descriptor)));
  }

  /** Adds faces to the graph with their edges and no clustering (label 0): catch-up and batch runs. */
  async link(faces: readonly FaceVector[]): Promise<void> {
    await this.indexFresh(faces);
    await sliced(faces, (f) => this.engine.addFace(f.id, this.hits(f.descriptor), 0));
  }

  /**
   * Puts faces in the graph without clustering them (the caller settles the returned seeds):
   * a face with `edges` is indexed and linked to its nearest neighbours, one without is a
   * sighting (no index entry, no edge: it follows its must-link group). `label`: its starting
   * label (default a fresh temporary one).
   */
  async place(faces: ReadonlyArray<FaceVector & { edges: boolean; label?: number | undefined }>): Promise<number[]> {
    await this.indexFresh(faces.filter((f) => f.edges));
    const seeds: number[] = [];
    await sliced(faces, (f) => seeds.push(...this.engine.addFace(f.id, f.edges ? this.hits(f.descriptor) : [], f.label)));
    return seeds;
  }

  /** Hides faces from the index and drops them from the graph; returns their former neighbours (seeds for `settle`). */
  drop(faceIds: readonly number[]): number[] {
    this.index.remove(faceIds);
    return faceIds.flatMap((id) => this.engine.removeFace(id));
  }
}

/** Runs `fn` over the items, yielding to the event loop about every 20 ms. */
async function sliced<T>(items: readonly T[], fn: (item: T) => unknown): Promise<void> {
  let slice = performance.now();
  for (const item of items) {
    fn(item);
    if (performance.now() - slice > SLICE_MS) {
      await yieldNow();
      slice = performance.now();
    }
  }
}
