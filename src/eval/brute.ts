/** Exact kNN by brute force over a growing set of descriptors (tests, eval checks, bench baseline). */
import type { Neighbour } from '../cluster/graph.js';

export class BruteKnn {
  private data: Float32Array;
  private ids: number[] = [];

  constructor(readonly dim = 128, capacity = 1024) {
    this.data = new Float32Array(dim * capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  add(id: number, d: Float32Array): void {
    const n = this.ids.length;
    if ((n + 1) * this.dim > this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data.set(d, n * this.dim);
    this.ids.push(id);
  }

  /** The k nearest (Euclidean), nearest first. */
  knn(q: Float32Array, k: number): Neighbour[] {
    const dim = this.dim;
    const bestD: number[] = [];
    const bestI: number[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      let s = 0;
      const off = i * dim;
      for (let j = 0; j < dim; j++) {
        const t = this.data[off + j]! - q[j]!;
        s += t * t;
      }
      if (bestD.length === k && s >= bestD[k - 1]!) continue;
      let at = bestD.length;
      while (at > 0 && bestD[at - 1]! > s) at--;
      bestD.splice(at, 0, s);
      bestI.splice(at, 0, i);
      if (bestD.length > k) {
        bestD.pop();
        bestI.pop();
      }
    }
    return bestI.map((i, r) => ({ id: this.ids[i]!, distance: Math.sqrt(bestD[r]!) }));
  }
}
