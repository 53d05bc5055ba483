/**
 * The writes an undone merge needs (the people core's `unmerge`, src/people/core.ts): the
 * must-links the merge added removed, any other must-link that still joins the merged faces to
 * the rest cut (each side kept linked within itself), and the merged person's id active again.
 * Inside the caller's transaction.
 */
import { UnionFind } from '../cluster/union-find.js';
import type { TxHandle } from './db.js';

/**
 * Cuts every must-link between a face of `side` and a face outside it. A must-link group that
 * spanned both sides is linked again within each side (its smallest face to each other one), so
 * the merges made before or after on either side survive. Returns the links cut.
 */
export async function cutMustLinks(tx: TxHandle, side: ReadonlySet<number>, now = Date.now()): Promise<number> {
  const links = await tx.all<{ id: number; a: number; b: number }>("SELECT id, face_a AS a, face_b AS b FROM constraints WHERE kind = 'must_link'");
  const crossing = links.filter((l) => side.has(l.a) !== side.has(l.b));
  if (crossing.length === 0) return 0;
  const sets = new UnionFind();
  for (const { a, b } of links) sets.union(a, b);
  const split = new Set(crossing.map((l) => sets.find(l.a)));
  for (const l of crossing) await tx.run('DELETE FROM constraints WHERE id = ?', [l.id]);
  for (const members of sets.groups().values()) {
    if (!split.has(sets.find(members[0]!))) continue;
    for (const part of [members.filter((f) => side.has(f)), members.filter((f) => !side.has(f))]) {
      const [first, ...rest] = [...part].sort((x, y) => x - y);
      for (const f of rest) {
        await tx.run(
          "INSERT INTO constraints (kind, face_a, face_b, created_at) VALUES ('must_link', ?, ?, ?) ON CONFLICT (kind, face_a, face_b) DO NOTHING",
          [first!, f, now],
        );
      }
    }
  }
  return crossing.length;
}

/** Deletes the given must-links (pairs of face ids, either order); returns how many went. */
export async function removeMustLinks(tx: TxHandle, pairs: ReadonlyArray<readonly [number, number]>): Promise<number> {
  let n = 0;
  for (const [a, b] of pairs) {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    n += (await tx.run("DELETE FROM constraints WHERE kind = 'must_link' AND face_a = ? AND face_b = ?", [lo, hi])).changes;
  }
  return n;
}

/** Makes a retired person id active again (an undone merge); false when it is not retired. */
export async function reviveMerged(tx: TxHandle, personId: number): Promise<boolean> {
  return (await tx.run('UPDATE people SET retired_at = NULL, merged_into = NULL WHERE id = ? AND retired_at IS NOT NULL', [personId])).changes > 0;
}
