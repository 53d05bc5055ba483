/**
 * The live kNN graph: one node per clusterable face, undirected weighted edges kept in
 * fixed-size slots per node (`maxDegree`; when full, a stronger edge replaces the weakest).
 * Typed arrays keep 1M faces in a few hundred MB. It doubles as `Adjacency` for the CW core.
 */
import type { Adjacency } from './chinese-whispers.js';

export type WeightKind = 'binary' | 'linear' | 'gaussian';

/** Edge weight from a Euclidean distance under `threshold` (0 at or above it). */
export function edgeWeight(distance: number, threshold: number, kind: WeightKind): number {
  if (!(distance < threshold)) return 0;
  switch (kind) {
    case 'binary':
      return 1;
    case 'linear':
      return 1 - distance / threshold;
    case 'gaussian': {
      const x = distance / threshold;
      return Math.exp(-4 * x * x);
    }
  }
}

export interface Neighbour {
  id: number;
  distance: number;
}

/** Edges a new face keeps from its kNN result: under the threshold, not itself, at most k, with weights. */
export function edgesFromKnn(self: number, hits: readonly Neighbour[], k: number, threshold: number, kind: WeightKind): Array<{ id: number; w: number }> {
  const out: Array<{ id: number; w: number }> = [];
  for (const h of [...hits].sort((a, b) => a.distance - b.distance)) {
    if (out.length >= k) break;
    if (h.id === self) continue;
    const w = edgeWeight(h.distance, threshold, kind);
    if (w > 0) out.push({ id: h.id, w });
  }
  return out;
}

export class LiveGraph implements Adjacency {
  n = 0;
  offsets: Int32Array;
  degree: Uint16Array;
  targets: Int32Array;
  weights: Float32Array;
  /** Face id of each node. */
  faceIds: Float64Array;
  alive: Uint8Array;
  private readonly nodeOf = new Map<number, number>();

  constructor(readonly maxDegree: number, capacity = 1024) {
    this.offsets = new Int32Array(0);
    this.degree = new Uint16Array(0);
    this.targets = new Int32Array(0);
    this.weights = new Float32Array(0);
    this.faceIds = new Float64Array(0);
    this.alive = new Uint8Array(0);
    this.grow(Math.max(16, capacity));
  }

  get capacity(): number {
    return this.faceIds.length;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return this.offsets.byteLength + this.degree.byteLength + this.targets.byteLength + this.weights.byteLength + this.faceIds.byteLength + this.alive.byteLength;
  }

  private grow(capacity: number): void {
    const copy = <T extends Int32Array | Uint16Array | Float32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T, n: number): T => {
      const next = make(n);
      next.set(old as never);
      return next;
    };
    const d = this.maxDegree;
    this.degree = copy(this.degree, (n) => new Uint16Array(n), capacity);
    this.targets = copy(this.targets, (n) => new Int32Array(n), capacity * d);
    this.weights = copy(this.weights, (n) => new Float32Array(n), capacity * d);
    this.faceIds = copy(this.faceIds, (n) => new Float64Array(n), capacity);
    this.alive = copy(this.alive, (n) => new Uint8Array(n), capacity);
    this.offsets = Int32Array.from({ length: capacity + 1 }, (_, i) => i * d);
  }

  node(faceId: number): number | undefined {
    return this.nodeOf.get(faceId);
  }

  /** Adds a node for a face (or returns the existing one). */
  addNode(faceId: number): number {
    const have = this.nodeOf.get(faceId);
    if (have !== undefined) return have;
    if (this.n >= this.capacity) this.grow(this.capacity * 2);
    const node = this.n++;
    this.faceIds[node] = faceId;
    this.alive[node] = 1;
    this.nodeOf.set(faceId, node);
    return node;
  }

  /** Adds (or strengthens) the undirected edge a-b. */
  addEdge(a: number, b: number, w: number): void {
    if (a === b || w <= 0) return;
    // Both halves or neither, so the graph stays symmetric.
    if (this.putHalf(a, b, w) && !this.putHalf(b, a, w)) this.dropHalf(a, b);
  }

  /** Stores from -> to; false when `from` is full of stronger edges. */
  private putHalf(from: number, to: number, w: number): boolean {
    const start = from * this.maxDegree;
    const deg = this.degree[from]!;
    let weakest = -1;
    for (let e = start; e < start + deg; e++) {
      if (this.targets[e] === to) {
        if (w > this.weights[e]!) this.weights[e] = w;
        return true;
      }
      if (weakest < 0 || this.weights[e]! < this.weights[weakest]!) weakest = e;
    }
    if (deg < this.maxDegree) {
      this.targets[start + deg] = to;
      this.weights[start + deg] = w;
      this.degree[from] = deg + 1;
      return true;
    }
    if (weakest >= 0 && w > this.weights[weakest]!) {
      this.dropHalf(this.targets[weakest]!, from);
      this.targets[weakest] = to;
      this.weights[weakest] = w;
      return true;
    }
    return false;
  }

  /** Removes the half-edge from -> to, if present. */
  private dropHalf(from: number, to: number): void {
    const start = from * this.maxDegree;
    const last = start + this.degree[from]! - 1;
    for (let e = start; e <= last; e++) {
      if (this.targets[e] === to) {
        this.targets[e] = this.targets[last]!;
        this.weights[e] = this.weights[last]!;
        this.degree[from]!--;
        return;
      }
    }
  }

  /** Neighbours of a node (copies; for small uses). */
  neighbours(node: number): number[] {
    const start = node * this.maxDegree;
    return Array.from(this.targets.subarray(start, start + this.degree[node]!));
  }

  /** Removes a face: its edges go, the node stays as a dead slot. Returns its former neighbours. */
  removeFace(faceId: number): number[] {
    const node = this.nodeOf.get(faceId);
    if (node === undefined) return [];
    const nbrs = this.neighbours(node);
    for (const m of nbrs) this.dropHalf(m, node);
    this.degree[node] = 0;
    this.alive[node] = 0;
    this.nodeOf.delete(faceId);
    return nbrs;
  }

  get liveCount(): number {
    return this.nodeOf.size;
  }

  /** Binary snapshot: magic, maxDegree, n, then faceIds, alive, degree, targets, weights. */
  serialize(): Buffer {
    const n = this.n;
    const d = this.maxDegree;
    const head = Buffer.alloc(12);
    head.write('FXG1', 0, 'latin1');
    head.writeUInt32LE(d, 4);
    head.writeUInt32LE(n, 8);
    const part = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([
      head,
      part(this.faceIds.subarray(0, n)),
      part(this.targets.subarray(0, n * d)),
      part(this.weights.subarray(0, n * d)),
      part(this.degree.subarray(0, n)),
      part(this.alive.subarray(0, n)),
    ]);
  }

  /** Reads a snapshot; throws on anything malformed. */
  static deserialize(buf: Buffer): LiveGraph {
    if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'FXG1') throw new Error('not a faceidx graph file');
    const d = buf.readUInt32LE(4);
    const n = buf.readUInt32LE(8);
    const expected = 12 + n * 8 + n * d * 8 + n * 2 + n;
    if (buf.length !== expected) throw new Error(`graph file has ${buf.length} bytes, expected ${expected}`);
    const g = new LiveGraph(d, Math.max(16, n));
    const copy = buf.subarray(12);
    const aligned = new Uint8Array(copy.length);
    aligned.set(copy);
    let at = 0;
    const take = <T>(make: (b: ArrayBuffer, o: number, len: number) => T, bytesPer: number, len: number): T => {
      const v = make(aligned.buffer, at, len);
      at += bytesPer * len;
      return v;
    };
    g.faceIds.set(take((b, o, l) => new Float64Array(b, o, l), 8, n));
    g.targets.set(take((b, o, l) => new Int32Array(b, o, l), 4, n * d));
    g.weights.set(take((b, o, l) => new Float32Array(b, o, l), 4, n * d));
    g.degree.set(take((b, o, l) => new Uint16Array(b, o, l), 2, n));
    g.alive.set(take((b, o, l) => new Uint8Array(b, o, l), 1, n));
    g.n = n;
    for (let i = 0; i < n; i++) {
      if (g.degree[i]! > d) throw new Error(`graph file: node ${i} has degree ${g.degree[i]} > ${d}`);
      if (g.alive[i]) g.nodeOf.set(g.faceIds[i]!, i);
    }
    return g;
  }
}
