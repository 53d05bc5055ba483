/**
 * The incremental update: how one new face changes the clusters, touching only its
 * neighbourhood. No I/O; labels move in the label table (and so land in its journal).
 *
 * Contract:
 * - `addFace` puts a face in the graph with its kNN edges (hits under the threshold, at most k,
 *   unknown ids skipped) and a label (a fresh temporary one unless given). No clustering.
 * - `insert` = `addFace`, then: the clusters the new face touches (walked along edges, at most
 *   `maxLocal` faces, default 2000) are re-clustered by the CW core from singletons, first pass
 *   in arrival order as the batch run does, and keep their labels by overlap (identities.ts);
 *   then CW steps settle labels outwards from the new face; then linkage merges (merges.ts) run
 *   on the neighbourhood. A neighbourhood over the cap, or holding a constrained face, skips the
 *   re-clustering and only settles.
 * - `settle`: CW steps from the seeds outwards (FIFO; a node whose label changes queues its
 *   neighbours) until no label changes, or `maxSteps` (default 200,000) steps. A must-link group
 *   votes and moves as one (edges inside it vote for its own label); a node never takes a label held by a cannot-link partner (a fresh
 *   label when every candidate is barred).
 * - Randomness: settling draws from the engine's generator; the local re-clustering uses a new
 *   `mulberry32(seed)` each time, so it does not depend on what ran before.
 */
import { chineseWhispersAdj, forEachEdge, mulberry32, relabel, toAdjacency, type Edge } from './chinese-whispers.js';
import { edgesFromKnn, type Neighbour } from './graph.js';
import { matchClusters } from './identities.js';
import { mergeArea } from './merges.js';
import type { EngineState } from './state.js';

/** Adds a face with its edges; returns the seeds for `settle` (the face and its new neighbours). */
export function addFace(s: EngineState, faceId: number, hits: readonly Neighbour[], label?: number): number[] {
  const known = s.graph.node(faceId);
  const node = known ?? s.graph.addNode(faceId);
  s.labels.ensure(s.graph.capacity);
  if (known === undefined) s.labels.place(node, label ?? s.labels.fresh(), true);
  const seeds = [node];
  for (const e of edgesFromKnn(faceId, hits, s.opts.k, s.opts.threshold, s.opts.weight)) {
    const m = s.graph.node(e.id);
    if (m === undefined) continue;
    s.graph.addEdge(node, m, e.w);
    seeds.push(m);
  }
  return seeds;
}

/** The incremental update for one face; returns the nodes whose label changed. */
export function insert(s: EngineState, faceId: number, hits: readonly Neighbour[]): Set<number> {
  const seeds = addFace(s, faceId, hits);
  const node = s.graph.node(faceId)!;
  const area = neighbourhood(s, seeds);
  const moved = area ? reclusterArea(s, area) : [];
  const { changed } = settle(s, seeds);
  for (const n of moved) changed.add(n);
  if (area) for (const n of mergeArea(s, area)) changed.add(n);
  changed.add(node);
  return changed;
}

/** Nodes of the clusters the seeds belong to (reachable along edges); null when over the cap or constrained. */
function neighbourhood(s: EngineState, seeds: number[]): number[] | null {
  const cap = s.opts.maxLocal ?? 2000;
  const want = new Set(seeds.map((n) => s.labels.get(n)));
  const seen = new Set<number>(seeds);
  const queue = [...seeds];
  let over = false;
  for (let head = 0; head < queue.length && !over; head++) {
    const n = queue[head]!;
    if (s.constraints.touches(n)) return null;
    forEachEdge(s.graph, n, (t) => {
      if (seen.has(t) || !want.has(s.labels.get(t))) return true;
      if (seen.size >= cap) return !(over = true);
      seen.add(t);
      queue.push(t);
      return true;
    });
  }
  return over ? null : [...seen].sort((a, b) => a - b);
}

/** CW from singletons on the induced subgraph of `area` (sorted nodes), labels kept by overlap; returns moved nodes. */
function reclusterArea(s: EngineState, area: number[]): number[] {
  const local = new Map(area.map((n, i) => [n, i]));
  const edges: Edge[] = [];
  area.forEach((n, i) => {
    forEachEdge(s.graph, n, (target, w) => {
      const t = local.get(target);
      if (t !== undefined && t > i) edges.push({ a: i, b: t, w });
    });
  });
  const rng = mulberry32(s.opts.seed);
  const { labels } = chineseWhispersAdj(toAdjacency(area.length, edges), { rng, firstPass: 'ordered', selfWeight: s.selfWeight });
  const before = area.map((n) => s.labels.get(n));
  // Temporary (negative) labels take part in matching too: shift them to non-negative keys.
  const shift = -Math.min(0, ...before);
  const { personOf } = matchClusters(before.map((l) => l + shift), labels);
  const fresh = new Map<number, number>();
  const moved: number[] = [];
  area.forEach((n, i) => {
    const c = labels[i]!;
    const inherited = personOf.get(c);
    const l = inherited !== null && inherited !== undefined ? inherited - shift : (fresh.get(c) ?? fresh.set(c, s.labels.fresh()).get(c)!);
    if (l !== s.labels.get(n)) moved.push(n);
    s.labels.move(n, l);
  });
  return moved;
}

/** One CW step at a node, group- and constraint-aware; returns the label it should take. */
function vote(s: EngineState, node: number): number {
  const members = s.constraints.groupOf(node);
  const fresh = () => s.labels.fresh();
  if (!members) return relabel(s.graph, s.labels.raw, node, s.voter, s.constraints.partnerMap, fresh, s.rng, s.selfWeight);
  const inGroup = new Set(members);
  const barred = new Set<number>();
  const current = s.labels.get(node);
  for (const m of members) {
    for (const p of s.constraints.partnersOf(m)) barred.add(s.labels.get(p));
    // An edge inside the group votes for the group's own label (as a self-loop in batch.ts).
    forEachEdge(s.graph, m, (t, w) => s.voter.add(inGroup.has(t) ? current : s.labels.get(t), w));
  }
  if (s.selfWeight > 0) s.voter.add(current, s.selfWeight);
  const best = s.voter.best(current, barred, s.rng);
  if (best !== null) return best;
  return barred.has(current) ? fresh() : current;
}

/** CW steps from the seeds outwards until labels settle; returns the nodes whose label changed. */
export function settle(s: EngineState, seeds: Iterable<number>): { changed: Set<number>; settled: boolean } {
  const queue: number[] = [];
  const queued = new Set<number>();
  // A must-link group votes and moves as one: it is queued once, as its first member.
  const push = (node: number) => {
    const n = s.constraints.groupOf(node)?.[0] ?? node;
    if (!queued.has(n) && s.graph.alive[n]) {
      queued.add(n);
      queue.push(n);
    }
  };
  for (const n of seeds) push(n);
  const changed = new Set<number>();
  const maxSteps = s.opts.maxSteps ?? 200_000;
  let steps = 0;
  for (let head = 0; head < queue.length; head++) {
    if (++steps > maxSteps) return { changed, settled: false };
    const node = queue[head]!;
    queued.delete(node);
    const l = vote(s, node);
    const members = s.constraints.groupOf(node) ?? [node];
    if (members.every((m) => s.labels.get(m) === l)) continue;
    for (const m of members) {
      if (s.labels.get(m) === l) continue;
      s.labels.move(m, l);
      changed.add(m);
      for (const t of s.graph.neighbours(m)) push(t);
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head + 1);
      head = -1;
    }
  }
  return { changed, settled: true };
}
