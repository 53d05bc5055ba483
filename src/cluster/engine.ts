/**
 * The in-memory clustering state: the live kNN graph, the label (person id, or a negative
 * temporary label for a person not yet stored) of every face, must-link groups and cannot-link
 * partners. No I/O: the caller finds neighbours in the index and persists the changes.
 *
 * Incremental rule: a new face joins the graph with its edges and a fresh label; the clusters
 * it touches (walked along edges, up to `maxLocal` faces) are re-clustered by the CW core from
 * singletons, as the batch run would, and keep their labels by overlap; then CW steps run from
 * the new face outwards (FIFO queue; a node whose label changes queues its neighbours) until no
 * label changes. Only the affected neighbourhood is touched. A full re-cluster runs the CW core
 * over the whole graph from singletons.
 */
import { chineseWhispersAdj, mulberry32, relabel, toAdjacency, Voter, type Adjacency, type CwResult, type Edge, type Rng } from './chinese-whispers.js';
import { chineseWhispersJob, runCwJob, type CwJob } from './threaded.js';
import { matchClusters } from './identities.js';
import { averageLinkageMerges } from './linkage.js';
import { edgesFromKnn, edgeWeight, LiveGraph, type Neighbour, type WeightKind } from './graph.js';

export interface EngineOptions {
  threshold: number;
  k: number;
  weight: WeightKind;
  /** Edge slots per face; default k + 12. */
  maxDegree?: number;
  seed: number;
  /**
   * A face leaves its own label only for neighbours whose summed edge weight beats one edge at
   * this distance (its self-vote); undefined: no self-vote (plain CW).
   */
  joinDistance?: number;
  /** Largest neighbourhood re-clustered from scratch on insert (default 2000); larger ones settle instead. */
  maxLocal?: number;
  /** Longest run of CW steps one incremental update may take (a guard; default 200,000). */
  maxSteps?: number;
  capacity?: number;
  /**
   * After Chinese whispers, clusters sharing an edge whose faces are on average closer than this
   * are merged (linkage.ts: one person seen on several cameras); undefined or 0: off. Needs `vectorOf`.
   */
  mergeAverage?: number;
  /** Spread check of those merges (linkage.ts `maxGap`); undefined or 0: off. */
  mergeGap?: number;
  /** The descriptor of a face (for average linkage). */
  vectorOf?: (faceId: number) => Float32Array | undefined;
}

export class ClusterEngine {
  readonly graph: LiveGraph;
  private labels = new Int32Array(0);
  /** Faces per label. */
  readonly sizes = new Map<number, number>();
  private nextTemp = -1;
  private readonly rng: Rng;
  private readonly voter = new Voter();
  /** node -> members of its must-link group (only for grouped nodes). */
  private groups = new Map<number, number[]>();
  /** node -> cannot-link partner nodes. */
  private partners = new Map<number, number[]>();

  /** Weight of a node's vote for its own label: that of one edge at `joinDistance`. */
  private readonly selfWeight: number;

  constructor(readonly opts: EngineOptions, graph?: LiveGraph) {
    this.selfWeight = opts.joinDistance === undefined ? 0 : edgeWeight(opts.joinDistance, opts.threshold, opts.weight);
    if (opts.weight === 'binary') this.selfWeight = 0; // one binary edge equals any self-vote: joining would never happen
    this.graph = graph ?? new LiveGraph(opts.maxDegree ?? opts.k + 12, opts.capacity ?? 1024);
    this.rng = mulberry32(opts.seed);
  }

  get faces(): number {
    return this.graph.liveCount;
  }

  /** Label of a face (person id, or negative while temporary); undefined if unknown. */
  labelOf(faceId: number): number | undefined {
    const node = this.graph.node(faceId);
    return node === undefined ? undefined : this.labels[node];
  }

  faceOf(node: number): number {
    return this.graph.faceIds[node]!;
  }

  /** A fresh temporary label (negative). */
  freshLabel(): number {
    return this.nextTemp--;
  }

  /** Original label of every node changed since the last `takeJournal` (what must be persisted). */
  private journal = new Map<number, number>();

  /** Nodes changed since the last call, with the label each had before; clears the journal. */
  takeJournal(): Map<number, number> {
    const j = this.journal;
    this.journal = new Map();
    return j;
  }

  private setLabel(node: number, label: number): void {
    const old = this.labels[node]!;
    if (old === label) return;
    if (!this.journal.has(node)) this.journal.set(node, old);
    const n = (this.sizes.get(old) ?? 0) - 1;
    if (n > 0) this.sizes.set(old, n);
    else this.sizes.delete(old);
    this.sizes.set(label, (this.sizes.get(label) ?? 0) + 1);
    this.labels[node] = label;
  }

  private ensureLabels(): void {
    if (this.labels.length >= this.graph.capacity) return;
    const next = new Int32Array(this.graph.capacity);
    next.set(this.labels);
    this.labels = next;
  }

  /**
   * Adds a face with its kNN hits (from the index; unknown ids are skipped) and a label (a
   * fresh temporary one unless given). No propagation: call `settle` with the returned seeds.
   */
  addFace(faceId: number, hits: readonly Neighbour[], label?: number): number[] {
    const known = this.graph.node(faceId);
    const node = known ?? this.graph.addNode(faceId);
    this.ensureLabels();
    if (known === undefined) {
      const l = label ?? this.freshLabel();
      this.labels[node] = l;
      this.journal.set(node, Number.NaN);
      this.sizes.set(l, (this.sizes.get(l) ?? 0) + 1);
    }
    const seeds = [node];
    for (const e of edgesFromKnn(faceId, hits, this.opts.k, this.opts.threshold, this.opts.weight)) {
      const m = this.graph.node(e.id);
      if (m === undefined) continue;
      this.graph.addEdge(node, m, e.w);
      seeds.push(m);
    }
    return seeds;
  }

  /**
   * Adds a face and updates the clusters around it (the incremental update): Chinese whispers
   * re-runs from singletons on the affected neighbourhood (the clusters the new face touches,
   * found by walking edges; first pass in arrival order, as the batch run does) and the new
   * sub-clusters inherit labels by overlap. Too large or constrained neighbourhoods fall back to
   * settling labels outwards from the new face. Returns the changed nodes.
   */
  insert(faceId: number, hits: readonly Neighbour[]): Set<number> {
    const seeds = this.addFace(faceId, hits);
    const node = this.graph.node(faceId)!;
    const area = this.neighbourhood(seeds);
    const moved = area ? this.reclusterArea(area) : [];
    const { changed } = this.settle(seeds);
    for (const n of moved) changed.add(n);
    if (area) for (const n of this.mergeArea(area)) changed.add(n);
    changed.add(node);
    return changed;
  }

  /** Label pairs joined by an edge among `nodes` (both ends in `nodes`). */
  private linkedLabelPairs(nodes: readonly number[], labels: ArrayLike<number>): Array<[number, number]> {
    const inside = new Set(nodes);
    const pairs: Array<[number, number]> = [];
    for (const n of nodes) {
      const start = this.graph.offsets[n]!;
      for (let e = start; e < start + this.graph.degree[n]!; e++) {
        const t = this.graph.targets[e]!;
        if (inside.has(t) && labels[t] !== labels[n]) pairs.push([labels[n]!, labels[t]!]);
      }
    }
    return pairs;
  }

  private cannotPairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [a, list] of this.partners) for (const b of list) if (a < b) out.push([a, b]);
    return out;
  }

  /** Average-linkage merges among the clusters of an incremental update's neighbourhood; returns moved nodes. */
  private mergeArea(area: number[]): number[] {
    const { mergeAverage, vectorOf } = this.opts;
    if (!mergeAverage || !vectorOf) return [];
    const candidates = this.linkedLabelPairs(area, this.labels);
    if (candidates.length === 0) return [];
    const inArea = new Set(area);
    const local = Int32Array.from(area, (n) => this.labels[n]!);
    const into = averageLinkageMerges({
      labels: local,
      candidates,
      vector: (i) => vectorOf(this.graph.faceIds[area[i]!]!),
      maxAverage: mergeAverage,
      ...(this.opts.mergeGap ? { maxGap: this.opts.mergeGap } : {}),
      cannotLink: this.cannotPairs()
        .filter(([a, b]) => inArea.has(a) && inArea.has(b))
        .map(([a, b]) => [area.indexOf(a), area.indexOf(b)] as [number, number]),
    });
    const moved: number[] = [];
    for (const n of area) {
      const to = into.get(this.labels[n]!);
      if (to !== undefined) {
        this.setLabel(n, to);
        moved.push(n);
      }
    }
    return moved;
  }

  /** Nodes of the clusters the seeds belong to (reachable along edges); null when over the cap or constrained. */
  private neighbourhood(seeds: number[]): number[] | null {
    const cap = this.opts.maxLocal ?? 2000;
    const want = new Set(seeds.map((n) => this.labels[n]!));
    const seen = new Set<number>(seeds);
    const queue = [...seeds];
    for (let head = 0; head < queue.length; head++) {
      const n = queue[head]!;
      if (this.groups.has(n) || this.partners.has(n)) return null;
      const start = this.graph.offsets[n]!;
      for (let e = start; e < start + this.graph.degree[n]!; e++) {
        const t = this.graph.targets[e]!;
        if (seen.has(t) || !want.has(this.labels[t]!)) continue;
        if (seen.size >= cap) return null;
        seen.add(t);
        queue.push(t);
      }
    }
    return [...seen].sort((a, b) => a - b);
  }

  /** CW from singletons on the induced subgraph of `area` (sorted nodes), labels kept by overlap. */
  private reclusterArea(area: number[]): number[] {
    const local = new Map(area.map((n, i) => [n, i]));
    const edges: Edge[] = [];
    for (const n of area) {
      const start = this.graph.offsets[n]!;
      for (let e = start; e < start + this.graph.degree[n]!; e++) {
        const t = local.get(this.graph.targets[e]!);
        if (t !== undefined && t > local.get(n)!) edges.push({ a: local.get(n)!, b: t, w: this.graph.weights[e]! });
      }
    }
    const rng = mulberry32(this.opts.seed);
    const { labels } = chineseWhispersAdj(toAdjacency(area.length, edges), { rng, firstPass: 'ordered', selfWeight: this.selfWeight });
    const before = area.map((n) => this.labels[n]!);
    // Temporary (negative) labels take part in matching too: shift them to non-negative keys.
    const shift = -Math.min(0, ...before);
    const { personOf } = matchClusters(before.map((l) => l + shift), labels);
    const fresh = new Map<number, number>();
    const moved: number[] = [];
    area.forEach((n, i) => {
      const c = labels[i]!;
      const inherited = personOf.get(c);
      const l = inherited !== null && inherited !== undefined ? inherited - shift : (fresh.get(c) ?? fresh.set(c, this.freshLabel()).get(c)!);
      if (l !== this.labels[n]) moved.push(n);
      this.setLabel(n, l);
    });
    return moved;
  }

  /** Removes a face; returns its former neighbours (seeds for `settle`). */
  removeFace(faceId: number): number[] {
    const node = this.graph.node(faceId);
    if (node === undefined) return [];
    const nbrs = this.graph.removeFace(faceId);
    const l = this.labels[node]!;
    const n = (this.sizes.get(l) ?? 0) - 1;
    if (n > 0) this.sizes.set(l, n);
    else this.sizes.delete(l);
    this.labels[node] = 0;
    return nbrs;
  }

  /** One CW step at a node, group- and constraint-aware; returns the label it should take. */
  private vote(node: number): number {
    const members = this.groups.get(node);
    if (!members) return relabel(this.graph, this.labels, node, this.voter, this.partners, () => this.freshLabel(), this.rng, this.selfWeight);
    const inGroup = new Set(members);
    const barred = new Set<number>();
    for (const m of members) {
      for (const p of this.partners.get(m) ?? []) barred.add(this.labels[p]!);
      const start = this.graph.offsets[m]!;
      for (let e = start; e < start + this.graph.degree[m]!; e++) {
        const t = this.graph.targets[e]!;
        if (!inGroup.has(t)) this.voter.add(this.labels[t]!, this.graph.weights[e]!);
      }
    }
    const current = this.labels[node]!;
    if (this.selfWeight > 0) this.voter.add(current, this.selfWeight);
    const best = this.voter.best(current, barred, this.rng);
    if (best !== null) return best;
    return barred.has(current) ? this.freshLabel() : current;
  }

  /** CW steps from the seeds outwards until labels settle; returns the nodes whose label changed. */
  settle(seeds: Iterable<number>): { changed: Set<number>; settled: boolean } {
    const queue: number[] = [];
    const queued = new Set<number>();
    const push = (n: number) => {
      if (!queued.has(n) && this.graph.alive[n]) {
        queued.add(n);
        queue.push(n);
      }
    };
    for (const s of seeds) push(s);
    const changed = new Set<number>();
    const maxSteps = this.opts.maxSteps ?? 200_000;
    let steps = 0;
    for (let head = 0; head < queue.length; head++) {
      if (++steps > maxSteps) return { changed, settled: false };
      const node = queue[head]!;
      queued.delete(node);
      const l = this.vote(node);
      if (l === this.labels[node]) continue;
      for (const m of this.groups.get(node) ?? [node]) {
        this.setLabel(m, l);
        changed.add(m);
        for (const t of this.graph.neighbours(m)) push(t);
      }
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head + 1);
        head = -1;
      }
    }
    return { changed, settled: true };
  }

  /** Replaces the constraints, given as face-id pairs (pairs with an unknown face are ignored). */
  setConstraints(mustLink: ReadonlyArray<readonly [number, number]>, cannotLink: ReadonlyArray<readonly [number, number]>): void {
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      let r = x;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    for (const [a, b] of mustLink) {
      const na = this.graph.node(a);
      const nb = this.graph.node(b);
      if (na === undefined || nb === undefined) continue;
      const ra = find(na);
      const rb = find(nb);
      if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    }
    const byRoot = new Map<number, number[]>();
    for (const n of parent.keys()) {
      const r = find(n);
      (byRoot.get(r) ?? byRoot.set(r, []).get(r)!).push(n);
    }
    this.groups = new Map();
    for (const members of byRoot.values()) if (members.length > 1) for (const m of members) this.groups.set(m, members.sort((x, y) => x - y));
    this.partners = new Map();
    for (const [a, b] of cannotLink) {
      const na = this.graph.node(a);
      const nb = this.graph.node(b);
      if (na === undefined || nb === undefined || find(na) === find(nb)) continue;
      (this.partners.get(na) ?? this.partners.set(na, []).get(na)!).push(nb);
      (this.partners.get(nb) ?? this.partners.set(nb, []).get(nb)!).push(na);
    }
  }

  /** Nodes whose constraints are currently broken (seeds for `settle` after `setConstraints`). */
  constrainedNodes(): number[] {
    return [...new Set([...this.groups.keys(), ...this.partners.keys()])];
  }

  /** Super-node of each node (must-link groups contracted) and the contracted adjacency. */
  private contracted(): { superOf: Int32Array; adj: Adjacency } {
    const n = this.graph.n;
    const superOf = new Int32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const g = this.groups.get(i);
      superOf[i] = g && g[0]! < i ? superOf[g[0]!]! : count++;
    }
    if (this.groups.size === 0) return { superOf, adj: this.graph };
    const degree = new Int32Array(count);
    for (let i = 0; i < n; i++) degree[superOf[i]!]! += this.graph.degree[i]!;
    const offsets = new Int32Array(count + 1);
    for (let s = 0; s < count; s++) offsets[s + 1] = offsets[s]! + degree[s]!;
    const targets = new Int32Array(offsets[count]!);
    const weights = new Float32Array(offsets[count]!);
    const fill = new Int32Array(count);
    for (let i = 0; i < n; i++) {
      const s = superOf[i]!;
      const start = this.graph.offsets[i]!;
      for (let e = start; e < start + this.graph.degree[i]!; e++) {
        const t = superOf[this.graph.targets[e]!]!;
        if (t === s) continue;
        const at = offsets[s]! + fill[s]!++;
        targets[at] = t;
        weights[at] = this.graph.weights[e]!;
      }
    }
    return { superOf, adj: { n: count, offsets, degree: fill, targets, weights } };
  }

  /**
   * A batch run: the CW core over the whole graph from singletons (first pass in node order, i.e.
   * arrival order; see CwOptions.firstPass). Cluster per node; -1 for removed faces.
   */
  batchClusters(iterations = 100, firstPass: 'random' | 'ordered' = 'ordered'): Int32Array {
    const { superOf, job } = this.batchJob(iterations, firstPass);
    return this.finishBatch(superOf, runCwJob(job));
  }

  /**
   * batchClusters with Chinese whispers in a worker thread once the graph has `threadAbove`
   * nodes or more (default 20,000), so the event loop stays free; the same labels either way.
   */
  async batchClustersAsync(opts: { iterations?: number; firstPass?: 'random' | 'ordered'; threadAbove?: number } = {}): Promise<Int32Array> {
    const { superOf, job } = this.batchJob(opts.iterations ?? 100, opts.firstPass ?? 'ordered');
    return this.finishBatch(superOf, await chineseWhispersJob(job, opts.threadAbove ?? 20_000));
  }

  private batchJob(iterations: number, firstPass: 'random' | 'ordered'): { superOf: Int32Array; job: CwJob } {
    const { superOf, adj } = this.contracted();
    const cannot = this.cannotPairs().map(([a, b]): [number, number] => [superOf[a]!, superOf[b]!]);
    return { superOf, job: { adj, seed: this.opts.seed, iterations, cannotLink: cannot, firstPass, selfWeight: this.selfWeight } };
  }

  private finishBatch(superOf: Int32Array, result: CwResult): Int32Array {
    const out = new Int32Array(this.graph.n);
    for (let i = 0; i < out.length; i++) out[i] = this.graph.alive[i] ? result.labels[superOf[i]!]! : -1;
    return this.mergeAll(out);
  }

  /** Average-linkage merges over a whole batch result (cluster per node, -1: removed). */
  private mergeAll(clusters: Int32Array): Int32Array {
    const { mergeAverage, vectorOf } = this.opts;
    if (!mergeAverage || !vectorOf) return clusters;
    const live: number[] = [];
    for (let i = 0; i < clusters.length; i++) if (clusters[i]! >= 0) live.push(i);
    const into = averageLinkageMerges({
      labels: clusters,
      candidates: this.linkedLabelPairs(live, clusters),
      vector: (n) => vectorOf(this.graph.faceIds[n]!),
      maxAverage: mergeAverage,
      ...(this.opts.mergeGap ? { maxGap: this.opts.mergeGap } : {}),
      cannotLink: this.cannotPairs(),
      skip: (l) => l < 0,
    });
    return into.size === 0 ? clusters : clusters.map((c) => into.get(c) ?? c);
  }

  /** Labels of nodes 0..n-1 (removed faces: -1; temporary labels stay negative). */
  currentLabels(): Int32Array {
    const out = this.labels.slice(0, this.graph.n);
    for (let i = 0; i < out.length; i++) if (!this.graph.alive[i]) out[i] = -1;
    return out;
  }

  /** Gives every live node the label of its cluster; returns the nodes that changed. */
  applyClusters(clusters: Int32Array, labelOf: (cluster: number) => number): Set<number> {
    const changed = new Set<number>();
    for (let i = 0; i < clusters.length; i++) {
      if (clusters[i]! < 0 || !this.graph.alive[i]) continue;
      const l = labelOf(clusters[i]!);
      if (l !== this.labels[i]) {
        this.setLabel(i, l);
        changed.add(i);
      }
    }
    return changed;
  }

  /** Renames a label on the given nodes (a temporary label that became a stored person). */
  rename(nodes: Iterable<number>, from: number, to: number): void {
    for (const n of nodes) if (this.labels[n] === from) this.setLabel(n, to);
  }

  /** Live nodes holding a label (a scan; for occasional use). */
  nodesWith(label: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.graph.n; i++) if (this.graph.alive[i] && this.labels[i] === label) out.push(i);
    return out;
  }

  /**
   * Sets every live node's label from stored assignments (face id -> person); faces without
   * one get a fresh temporary label and are journaled, so the caller persists them.
   */
  loadLabels(stored: ReadonlyMap<number, number>): void {
    this.ensureLabels();
    this.sizes.clear();
    for (let i = 0; i < this.graph.n; i++) {
      if (!this.graph.alive[i]) continue;
      const p = stored.get(this.graph.faceIds[i]!);
      const l = p ?? this.freshLabel();
      if (p === undefined) this.journal.set(i, Number.NaN);
      this.labels[i] = l;
      this.sizes.set(l, (this.sizes.get(l) ?? 0) + 1);
    }
  }

  /** Sets one face's label without propagation (loading stored assignments). */
  setFaceLabel(faceId: number, label: number): void {
    const node = this.graph.node(faceId);
    if (node !== undefined) this.setLabel(node, label);
  }
}
