/**
 * Constraints on the clustering, in graph nodes: must-link groups (faces that are one person)
 * and cannot-link partners (faces that are never one person). Pure.
 *
 * Contract:
 * - Input is face-id pairs from any number of sources (`ConstraintPairs`: the user's merges and
 *   "not this person", and any other source of pairs), combined by `combineConstraints`.
 * - Must-link pairs are closed transitively with the one union-find (union-find.ts): a group
 *   lists its members ascending; a node in no group has none.
 * - A cannot-link pair inside one must-link group is dropped (must-link wins); pairs naming a
 *   face the graph does not hold are ignored; a face cannot-linked to itself is ignored.
 * - Partners are symmetric: b is a partner of a exactly when a is one of b.
 * - `add` extends the constraints in place with more pairs (faces that just arrived: a face
 *   track's next face, the other faces of its frame) and gives the same result as `fromPairs`
 *   over all the pairs, except that a cannot-link pair already recorded between two nodes that
 *   a later must-link puts in one group stays recorded (it is then ignored: a node never bars
 *   its own group's label, see incremental.ts).
 */
import { UnionFind } from './union-find.js';

export type Pair = readonly [number, number];

/** Face-id pairs from one source. */
export interface ConstraintPairs {
  mustLink: readonly Pair[];
  cannotLink: readonly Pair[];
}

/** The pairs of several sources, together. */
export function combineConstraints(sources: readonly ConstraintPairs[]): ConstraintPairs {
  return { mustLink: sources.flatMap((s) => s.mustLink), cannotLink: sources.flatMap((s) => s.cannotLink) };
}

export class Constraints {
  private constructor(
    /** node -> members of its must-link group (only for grouped nodes). */
    private readonly groups: Map<number, number[]>,
    /** node -> cannot-link partner nodes. */
    private readonly partners: Map<number, number[]>,
  ) {}

  static none(): Constraints {
    return new Constraints(new Map(), new Map());
  }

  /** From face-id pairs; `nodeOf` maps a face to its graph node (undefined: not in the graph). */
  static fromPairs(pairs: ConstraintPairs, nodeOf: (faceId: number) => number | undefined): Constraints {
    const sets = new UnionFind();
    for (const [a, b] of pairs.mustLink) {
      const na = nodeOf(a);
      const nb = nodeOf(b);
      if (na !== undefined && nb !== undefined) sets.union(na, nb);
    }
    const groups = new Map<number, number[]>();
    for (const members of sets.groups().values()) if (members.length > 1) for (const m of members) groups.set(m, members);
    const partners = new Map<number, number[]>();
    for (const [a, b] of pairs.cannotLink) {
      const na = nodeOf(a);
      const nb = nodeOf(b);
      if (na === undefined || nb === undefined || sets.find(na) === sets.find(nb)) continue;
      (partners.get(na) ?? partners.set(na, []).get(na)!).push(nb);
      (partners.get(nb) ?? partners.set(nb, []).get(nb)!).push(na);
    }
    return new Constraints(groups, partners);
  }

  /** Adds pairs in place (see the contract); returns the nodes whose constraints changed. */
  add(pairs: ConstraintPairs, nodeOf: (faceId: number) => number | undefined): number[] {
    const touched = new Set<number>();
    for (const [a, b] of pairs.mustLink) {
      const na = nodeOf(a);
      const nb = nodeOf(b);
      if (na === undefined || nb === undefined || na === nb) continue;
      const ga = this.groups.get(na) ?? [na];
      const gb = this.groups.get(nb) ?? [nb];
      if (ga === gb) continue;
      const members = [...ga, ...gb].sort((x, y) => x - y);
      for (const m of members) {
        this.groups.set(m, members);
        touched.add(m);
      }
    }
    for (const [a, b] of pairs.cannotLink) {
      const na = nodeOf(a);
      const nb = nodeOf(b);
      if (na === undefined || nb === undefined || na === nb) continue;
      const ga = this.groups.get(na);
      if (ga !== undefined && ga === this.groups.get(nb)) continue;
      if (this.partnersOf(na).includes(nb)) continue;
      (this.partners.get(na) ?? this.partners.set(na, []).get(na)!).push(nb);
      (this.partners.get(nb) ?? this.partners.set(nb, []).get(nb)!).push(na);
      touched.add(na).add(nb);
    }
    return [...touched];
  }

  /** Forgets a removed node: it leaves its group and its partners' lists. */
  drop(node: number): void {
    const g = this.groups.get(node);
    if (g !== undefined) {
      const rest = g.filter((m) => m !== node);
      for (const m of rest) {
        if (rest.length > 1) this.groups.set(m, rest);
        else this.groups.delete(m);
      }
      this.groups.delete(node);
    }
    for (const p of this.partners.get(node) ?? []) {
      const list = this.partners.get(p)!.filter((x) => x !== node);
      if (list.length > 0) this.partners.set(p, list);
      else this.partners.delete(p);
    }
    this.partners.delete(node);
  }

  /** Members of a node's must-link group (ascending), or undefined. */
  groupOf(node: number): readonly number[] | undefined {
    return this.groups.get(node);
  }

  /** The cannot-link partners of every node (the CW core's `partners` argument). */
  get partnerMap(): Map<number, number[]> {
    return this.partners;
  }

  partnersOf(node: number): readonly number[] {
    return this.partners.get(node) ?? [];
  }

  /** True when the node is in a must-link group or has a cannot-link partner. */
  touches(node: number): boolean {
    return this.groups.has(node) || this.partners.has(node);
  }

  get hasGroups(): boolean {
    return this.groups.size > 0;
  }

  /** Every constrained node (seeds for settling after the constraints change). */
  nodes(): number[] {
    return [...new Set([...this.groups.keys(), ...this.partners.keys()])];
  }

  /** Cannot-link node pairs, each once (a < b). */
  cannotPairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [a, list] of this.partners) for (const b of list) if (a < b) out.push([a, b]);
    return out;
  }
}
