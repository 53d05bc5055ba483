/**
 * Chinese whispers (Biemann 2006), modelled on the contract of dlib's `chinese_whispers.h`:
 *
 * - Input: `n` nodes numbered 0..n-1 and undirected weighted edges (a self-loop `a === b`
 *   votes for the node's own current label). Every node starts with its own label.
 * - A step picks a node and gives it the label with the largest total edge weight among its
 *   neighbours. Ties keep the current label when it is among the best, else one of the best
 *   drawn at random.
 *   A node without edges keeps its label.
 * - `order: 'dlib'` makes `iterations * n` steps at nodes drawn with replacement, and breaks
 *   ties as dlib does (the smallest label wins, the current one has no preference);
 *   `order: 'passes'` (default) visits every node once per pass in a fresh random order and stops
 *   early after a pass that changed nothing.
 * - Output labels are renumbered 0..clusters-1 in order of first appearance by node index, so
 *   the same input and the same seed give the same result.
 * - `cannotLink` pairs never end in the same cluster: a node never takes a label held by one of
 *   its cannot-link partners (if every candidate is barred it takes a fresh label).
 * The random generator is injected (`rng() -> [0, 1)`); `mulberry32(seed)` gives a seeded one.
 */

export type Rng = () => number;

/** Pass as `current` to Voter.best for dlib's tie rule: the smallest label wins, the current one has no say. */
export const DLIB_TIES = Number.MIN_SAFE_INTEGER;

/** A small, fast, seeded generator (mulberry32). */
export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Edge {
  a: number;
  b: number;
  /** Weight > 0; default 1. */
  w?: number;
}

/**
 * Adjacency in "offset + degree" form: the neighbours of node i are targets[offsets[i] ..
 * offsets[i] + degree[i]) with the matching weights. Plain CSR and fixed-stride slot arrays
 * (the live graph) both fit.
 */
export interface Adjacency {
  n: number;
  offsets: Int32Array | Float64Array;
  degree: Int32Array | Uint16Array;
  targets: Int32Array;
  weights: Float32Array;
}

/**
 * Calls `fn(target, weight)` for each edge of `node`, in slot order; stops early when `fn`
 * returns false. The one walk over a node's edges outside the CW core's own inner loop.
 */
export function forEachEdge(g: Adjacency, node: number, fn: (target: number, weight: number) => boolean | void): void {
  const start = g.offsets[node]!;
  const end = start + g.degree[node]!;
  for (let e = start; e < end; e++) if (fn(g.targets[e]!, g.weights[e]!) === false) return;
}

/** Builds CSR adjacency from an undirected edge list (each edge stored both ways; a self-loop once). */
export function toAdjacency(n: number, edges: readonly Edge[]): Adjacency {
  const degree = new Int32Array(n);
  for (const e of edges) {
    if (e.a < 0 || e.b < 0 || e.a >= n || e.b >= n) throw new RangeError(`edge ${e.a}-${e.b} outside 0..${n - 1}`);
    degree[e.a]!++;
    if (e.a !== e.b) degree[e.b]!++;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = new Int32Array(n);
  const targets = new Int32Array(offsets[n]!);
  const weights = new Float32Array(offsets[n]!);
  const put = (from: number, to: number, w: number) => {
    const at = offsets[from]! + fill[from]!++;
    targets[at] = to;
    weights[at] = w;
  };
  for (const e of edges) {
    const w = e.w ?? 1;
    put(e.a, e.b, w);
    if (e.a !== e.b) put(e.b, e.a, w);
  }
  return { n, offsets, degree, targets, weights };
}

export interface CwOptions {
  rng: Rng;
  /** Passes (or dlib steps per node); default 100. */
  iterations?: number;
  order?: 'passes' | 'dlib';
  cannotLink?: ReadonlyArray<readonly [number, number]>;
  /**
   * `ordered`: the first pass visits nodes 0..n-1 in order (arrival order for the live graph),
   * so clusters grow as they did when faces arrived instead of from scattered seeds; later
   * passes are random. Default `random`.
   */
  firstPass?: 'random' | 'ordered';
  /**
   * A vote every node casts for its own current label (passes order only; default 0). A node
   * then leaves its label only for neighbours whose total weight beats it: one weak edge is
   * not enough to pull a face into a crowd of look-alikes.
   */
  selfWeight?: number;
}

export interface CwResult {
  /** Cluster of each node, 0..clusters-1. */
  labels: Int32Array;
  clusters: number;
}

/** Scratch space for weighted label votes (reused across steps; grows as needed; negative labels allowed). */
export class Voter {
  private score = new Float64Array(0);
  private readonly negative = new Map<number, number>();
  private touched: number[] = [];

  private ensure(label: number): void {
    if (label < this.score.length) return;
    const next = new Float64Array(Math.max(label + 1, this.score.length * 2, 64));
    next.set(this.score);
    this.score = next;
  }

  add(label: number, w: number): void {
    if (label < 0) {
      const s = this.negative.get(label);
      if (s === undefined) this.touched.push(label);
      this.negative.set(label, (s ?? 0) + w);
      return;
    }
    this.ensure(label);
    if (this.score[label] === 0) this.touched.push(label);
    this.score[label]! += w;
  }

  private get(label: number): number {
    return label < 0 ? this.negative.get(label)! : this.score[label]!;
  }

  /**
   * The best label, skipping `barred`; null if none. Ties keep `current` when it is among the
   * best, else are broken by `rng` (uniformly), or by the smallest label without one. Resets.
   */
  best(current: number, barred?: ReadonlySet<number>, rng?: Rng): number | null {
    let best: number | null = null;
    let bestScore = -Infinity;
    let ties = 0;
    for (const l of this.touched) {
      if (barred?.has(l)) continue;
      const s = this.get(l);
      if (s > bestScore) {
        best = l;
        bestScore = s;
        ties = 1;
      } else if (s === bestScore && (best !== current || current === DLIB_TIES)) {
        ties++;
        if (l === current || (rng ? rng() * ties < 1 : l < best!)) best = l;
      }
    }
    for (const l of this.touched) if (l >= 0) this.score[l] = 0;
    this.negative.clear();
    this.touched.length = 0;
    return best;
  }
}

/** Labels barred for each node by cannot-link pairs (partners' current labels). */
export function partnersOf(pairs: ReadonlyArray<readonly [number, number]> | undefined): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const [a, b] of pairs ?? []) {
    if (a === b) continue;
    (map.get(a) ?? map.set(a, []).get(a)!).push(b);
    (map.get(b) ?? map.set(b, []).get(b)!).push(a);
  }
  return map;
}

/**
 * One step at `node`: returns its new label (may equal the old one). `fresh` supplies an
 * unused label when every candidate is barred by a cannot-link partner.
 */
export function relabel(
  g: Adjacency,
  labels: Int32Array,
  node: number,
  voter: Voter,
  partners: Map<number, number[]>,
  fresh: () => number,
  rng?: Rng,
  selfWeight = 0,
): number {
  const start = g.offsets[node]!;
  const end = start + g.degree[node]!;
  const current = labels[node]!;
  if (end === start) return current;
  if (selfWeight > 0) voter.add(current, selfWeight);
  for (let e = start; e < end; e++) voter.add(labels[g.targets[e]!]!, g.weights[e]!);
  const mine = partners.get(node);
  const barred = mine ? new Set(mine.map((p) => labels[p]!)) : undefined;
  const best = rng ? voter.best(current, barred, rng) : voter.best(DLIB_TIES, barred);
  if (best !== null) return best;
  return barred?.has(current) ? fresh() : current;
}

/** Renumbers labels 0..C-1 in order of first appearance. */
export function compact(labels: Int32Array): CwResult {
  const map = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let c = map.get(labels[i]!);
    if (c === undefined) map.set(labels[i]!, (c = map.size));
    out[i] = c;
  }
  return { labels: out, clusters: map.size };
}

/** Fisher-Yates shuffle of 0..n-1 into `order`. */
function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/** Chinese whispers over adjacency; see the contract at the top of this file. */
export function chineseWhispersAdj(g: Adjacency, opts: CwOptions, initial?: Int32Array): CwResult {
  const labels = initial ? Int32Array.from(initial) : Int32Array.from({ length: g.n }, (_, i) => i);
  let next = labels.reduce((m, l) => Math.max(m, l + 1), g.n);
  const fresh = () => next++;
  const voter = new Voter();
  const partners = partnersOf(opts.cannotLink);
  const iterations = opts.iterations ?? 100;
  if (opts.order === 'dlib') {
    for (let step = 0, steps = iterations * g.n; step < steps; step++) {
      const node = Math.floor(opts.rng() * g.n);
      labels[node] = relabel(g, labels, node, voter, partners, fresh);
    }
    return compact(labels);
  }
  const order = new Int32Array(g.n);
  for (let pass = 0; pass < iterations; pass++) {
    if (pass === 0 && opts.firstPass === 'ordered') order.forEach((_, i) => (order[i] = i));
    else shuffle(order, opts.rng);
    let changed = 0;
    for (const node of order) {
      const l = relabel(g, labels, node, voter, partners, fresh, opts.rng, opts.selfWeight);
      if (l !== labels[node]) {
        labels[node] = l;
        changed++;
      }
    }
    if (changed === 0) break;
  }
  return compact(labels);
}

/** Chinese whispers over an undirected weighted edge list of `n` nodes. */
export function chineseWhispers(n: number, edges: readonly Edge[], opts: CwOptions): CwResult {
  return chineseWhispersAdj(toAdjacency(n, edges), opts);
}
