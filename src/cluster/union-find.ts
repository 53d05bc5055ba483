/**
 * Union-find (disjoint sets) over numbers: the one implementation, used for must-link groups
 * (constraints.ts), for average-linkage merges (linkage.ts) and by the store when it re-links
 * merges whose faces are deleted (store/constraints.ts). Pure.
 *
 * Contract: an item never added is its own set (`find(x) === x`); `union` keeps the smaller root
 * (so results do not depend on the order pairs arrive in); `attach` lets the caller choose the
 * root instead. `groups` lists every added item under its root, members ascending.
 */
export class UnionFind {
  private readonly parent = new Map<number, number>();

  /** Adds x as a set of its own (no-op when known). */
  add(x: number): void {
    if (!this.parent.has(x)) this.parent.set(x, x);
  }

  has(x: number): boolean {
    return this.parent.has(x);
  }

  /** The root of x's set (x itself when never added). */
  find(x: number): number {
    let r = x;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    if (r !== x) this.parent.set(x, r);
    return r;
  }

  /** Joins the sets of a and b (both added when new); the smaller root survives. Returns it. */
  union(a: number, b: number): number {
    this.add(a);
    this.add(b);
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(drop, keep);
    return keep;
  }

  /** Puts the set rooted at `drop` under the root `keep` (both must be roots). */
  attach(drop: number, keep: number): void {
    this.add(keep);
    this.parent.set(drop, keep);
  }

  /** Root -> members (ascending) for every added item. */
  groups(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const x of this.parent.keys()) {
      const r = this.find(x);
      (out.get(r) ?? out.set(r, []).get(r)!).push(x);
    }
    for (const members of out.values()) members.sort((a, b) => a - b);
    return out;
  }
}
