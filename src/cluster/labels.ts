/**
 * The label table: the label of every node of the live graph (a person id >= 0, or a negative
 * temporary label for a person not stored yet), the number of faces per label, and the journal
 * of what changed since the caller last persisted. Pure, no I/O.
 *
 * Contract:
 * - Every write goes through this table, in one of three ways: `place` (a node gets its first
 *   label: a new face, or one loaded from the store), `move` (a labelled node changes label) and
 *   `unplace` (a removed face). `sizes` always counts the live nodes per label.
 * - The journal holds each changed node once, with the label it had at the first change (NaN
 *   for a node placed with `journal: true`, i.e. one whose person the store does not know yet).
 *   `takeJournal` hands it over and starts a new one.
 * - `fresh()` gives temporary labels -1, -2, ... never reused.
 */
export class LabelTable {
  private labels = new Int32Array(0);
  /** Faces per label. */
  readonly sizes = new Map<number, number>();
  private nextTemp = -1;
  private journal = new Map<number, number>();

  /** Makes room for nodes 0..capacity-1. */
  ensure(capacity: number): void {
    if (this.labels.length >= capacity) return;
    const next = new Int32Array(capacity);
    next.set(this.labels);
    this.labels = next;
  }

  get(node: number): number {
    return this.labels[node]!;
  }

  /** The raw array (read-only use: voting, snapshots). */
  get raw(): Int32Array {
    return this.labels;
  }

  /** A fresh temporary label (negative). */
  fresh(): number {
    return this.nextTemp--;
  }

  private count(label: number, delta: number): void {
    const n = (this.sizes.get(label) ?? 0) + delta;
    if (n > 0) this.sizes.set(label, n);
    else this.sizes.delete(label);
  }

  /** A node's first label; `journal`: record it as new (its person must be stored). */
  place(node: number, label: number, journal: boolean): void {
    this.labels[node] = label;
    if (journal) this.journal.set(node, Number.NaN);
    this.count(label, 1);
  }

  /** A labelled node takes another label (journaled). */
  move(node: number, label: number): void {
    const old = this.labels[node]!;
    if (old === label) return;
    if (!this.journal.has(node)) this.journal.set(node, old);
    this.count(old, -1);
    this.count(label, 1);
    this.labels[node] = label;
  }

  /** A removed node leaves its label's count. */
  unplace(node: number): void {
    this.count(this.labels[node]!, -1);
    this.labels[node] = 0;
  }

  /** Forgets every count (before placing all nodes again). */
  clearSizes(): void {
    this.sizes.clear();
  }

  /** Nodes changed since the last call, with the label each had before; clears the journal. */
  takeJournal(): Map<number, number> {
    const j = this.journal;
    this.journal = new Map();
    return j;
  }

  /** Labels of nodes 0..n-1, -1 where `alive` is 0. */
  snapshot(n: number, alive: Uint8Array): Int32Array {
    const out = this.labels.slice(0, n);
    for (let i = 0; i < n; i++) if (!alive[i]) out[i] = -1;
    return out;
  }
}
