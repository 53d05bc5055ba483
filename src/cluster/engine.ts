/**
 * The cluster engine: the in-memory clustering state (the live kNN graph, the label of every
 * face, the constraints) behind one small API. No I/O: the caller finds neighbours in the index
 * and persists the label journal (src/people does both). Each job lives in its own room, with
 * its contract at the top:
 *   labels.ts       the label table and its journal
 *   constraints.ts  must-link groups (one union-find) and cannot-link partners
 *   incremental.ts  the incremental update (insert, settle)
 *   merges.ts       linkage merges on the engine's clusters (the rule: linkage.ts)
 *   batch.ts        batch runs (full re-cluster), in a worker thread when large
 * The CW core itself is chinese-whispers.ts.
 */
import { mulberry32, Voter } from './chinese-whispers.js';
import { batchClusters, batchClustersAsync, type FirstPass } from './batch.js';
import { Constraints, type Pair } from './constraints.js';
import { edgeWeight, LiveGraph, type Neighbour } from './graph.js';
import { addFace, insert, settle } from './incremental.js';
import { LabelTable } from './labels.js';
import type { EngineOptions, EngineState } from './state.js';

export type { EngineOptions } from './state.js';

export class ClusterEngine {
  private readonly s: EngineState;

  constructor(readonly opts: EngineOptions, graph?: LiveGraph) {
    // One binary edge equals any self-vote: joining would never happen, so binary weights get none.
    const selfWeight = opts.joinDistance === undefined || opts.weight === 'binary' ? 0 : edgeWeight(opts.joinDistance, opts.threshold, opts.weight);
    this.s = {
      opts,
      graph: graph ?? new LiveGraph(opts.maxDegree ?? opts.k + 12, opts.capacity ?? 1024),
      labels: new LabelTable(),
      constraints: Constraints.none(),
      rng: mulberry32(opts.seed),
      voter: new Voter(),
      selfWeight,
    };
  }

  get graph(): LiveGraph {
    return this.s.graph;
  }

  /** Faces per label. */
  get sizes(): ReadonlyMap<number, number> {
    return this.s.labels.sizes;
  }

  /** Live faces. */
  get faces(): number {
    return this.s.graph.liveCount;
  }

  /** Label of a face (person id, or negative while temporary); undefined if unknown. */
  labelOf(faceId: number): number | undefined {
    const node = this.s.graph.node(faceId);
    return node === undefined ? undefined : this.s.labels.get(node);
  }

  faceOf(node: number): number {
    return this.s.graph.faceIds[node]!;
  }

  /** A fresh temporary label (negative). */
  freshLabel(): number {
    return this.s.labels.fresh();
  }

  /** Nodes changed since the last call, with the label each had before (NaN: new); clears the journal. */
  takeJournal(): Map<number, number> {
    return this.s.labels.takeJournal();
  }

  /** Adds a face with its kNN hits, no clustering (see incremental.ts); returns seeds for `settle`. */
  addFace(faceId: number, hits: readonly Neighbour[], label?: number): number[] {
    return addFace(this.s, faceId, hits, label);
  }

  /** Adds a face and updates the clusters around it (see incremental.ts); returns the changed nodes. */
  insert(faceId: number, hits: readonly Neighbour[]): Set<number> {
    return insert(this.s, faceId, hits);
  }

  /** CW steps from the seeds outwards until labels settle (see incremental.ts). */
  settle(seeds: Iterable<number>): { changed: Set<number>; settled: boolean } {
    return settle(this.s, seeds);
  }

  /** Removes a face; returns its former neighbours (seeds for `settle`). */
  removeFace(faceId: number): number[] {
    const node = this.s.graph.node(faceId);
    if (node === undefined) return [];
    const nbrs = this.s.graph.removeFace(faceId);
    this.s.labels.unplace(node);
    this.s.constraints.drop(node);
    return nbrs;
  }

  /** Replaces the constraints, given as face-id pairs (see constraints.ts). */
  setConstraints(mustLink: readonly Pair[], cannotLink: readonly Pair[]): void {
    this.s.constraints = Constraints.fromPairs({ mustLink, cannotLink }, (id) => this.s.graph.node(id));
  }

  /**
   * Adds constraints in place, given as face-id pairs (see constraints.ts `add`); returns the
   * nodes whose constraints changed (seeds for `settle`).
   */
  addConstraints(mustLink: readonly Pair[], cannotLink: readonly Pair[]): number[] {
    return this.s.constraints.add({ mustLink, cannotLink }, (id) => this.s.graph.node(id));
  }

  /** Nodes under a constraint (seeds for `settle` after `setConstraints`). */
  constrainedNodes(): number[] {
    return this.s.constraints.nodes();
  }

  /** A batch run in this thread (see batch.ts): cluster per node, -1 for removed faces. */
  batchClusters(iterations = 100, firstPass: FirstPass = 'ordered'): Int32Array {
    return batchClusters(this.s, iterations, firstPass);
  }

  /** A batch run, in a worker thread on large graphs (see batch.ts). */
  batchClustersAsync(opts: { iterations?: number; firstPass?: FirstPass; threadAbove?: number } = {}): Promise<Int32Array> {
    return batchClustersAsync(this.s, opts);
  }

  /** Labels of nodes 0..n-1 (removed faces: -1; temporary labels stay negative). */
  currentLabels(): Int32Array {
    return this.s.labels.snapshot(this.s.graph.n, this.s.graph.alive);
  }

  /** Gives every live node the label of its cluster; returns the nodes that changed. */
  applyClusters(clusters: Int32Array, labelOf: (cluster: number) => number): Set<number> {
    const changed = new Set<number>();
    for (let i = 0; i < clusters.length; i++) {
      if (clusters[i]! < 0 || !this.s.graph.alive[i]) continue;
      const l = labelOf(clusters[i]!);
      if (l === this.s.labels.get(i)) continue;
      this.s.labels.move(i, l);
      changed.add(i);
    }
    return changed;
  }

  /** Renames a label on the given nodes (a temporary label that became a stored person). */
  rename(nodes: Iterable<number>, from: number, to: number): void {
    for (const n of nodes) if (this.s.labels.get(n) === from) this.s.labels.move(n, to);
  }

  /**
   * Sets every live node's label from stored assignments (face id -> person); faces without
   * one get a fresh temporary label and are journaled, so the caller persists them.
   */
  loadLabels(stored: ReadonlyMap<number, number>): void {
    const { graph, labels } = this.s;
    labels.ensure(graph.capacity);
    labels.clearSizes();
    for (let i = 0; i < graph.n; i++) {
      if (!graph.alive[i]) continue;
      const p = stored.get(graph.faceIds[i]!);
      labels.place(i, p ?? labels.fresh(), p === undefined);
    }
  }

  /** Sets one face's label without propagation (a merge, a "not this person"). */
  setFaceLabel(faceId: number, label: number): void {
    const node = this.s.graph.node(faceId);
    if (node !== undefined) this.s.labels.move(node, label);
  }
}
