/** User constraints between two faces that every re-cluster must respect. */
import { UnionFind } from '../cluster/union-find.js';
import type { Database, TxHandle } from './db.js';

export type ConstraintKind = 'must_link' | 'cannot_link';

/** Records a constraint unless the same one is there (pairs are stored in ascending order). */
const INSERT_CONSTRAINT = 'INSERT INTO constraints (kind, face_a, face_b, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

export interface Constraint {
  id: number;
  kind: ConstraintKind;
  faceA: number;
  faceB: number;
  createdAt: number;
}

export class ConstraintsRepository {
  constructor(private readonly db: Database) {}

  /** Records a constraint (idempotent; the pair is stored in ascending order). */
  async add(kind: ConstraintKind, a: number, b: number, now = Date.now(), tx?: TxHandle): Promise<void> {
    if (a === b) return;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    await (tx ?? this.db).run(
      INSERT_CONSTRAINT,
      [kind, lo, hi, now],
    );
  }

  async list(kind?: ConstraintKind): Promise<Constraint[]> {
    return this.db.all<Constraint>(
      `SELECT id, kind, face_a AS "faceA", face_b AS "faceB", created_at AS "createdAt" FROM constraints
       ${kind ? 'WHERE kind = ?' : ''} ORDER BY id`,
      kind ? [kind] : [],
    );
  }

  async remove(kind: ConstraintKind, a: number, b: number): Promise<void> {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    await this.db.run('DELETE FROM constraints WHERE kind = ? AND face_a = ? AND face_b = ?', [kind, lo, hi]);
  }
}

/**
 * Called inside the transaction that is about to delete faces: must-link groups (merges) that
 * lose faces are linked again among their surviving faces, so a merge outlives the faces it was
 * first recorded on (say, the oldest faces after retention purged them). Without this, deleting
 * the face every link pointed at would silently undo the merge at the next re-cluster.
 * `doomed`: the ids about to be deleted. Returns the links added.
 */
export async function relinkMustLinkSurvivors(tx: TxHandle, doomed: ReadonlySet<number>, now = Date.now()): Promise<number> {
  const links = await tx.all<{ a: number; b: number }>("SELECT face_a AS a, face_b AS b FROM constraints WHERE kind = 'must_link'");
  if (links.length === 0) return 0;
  const sets = new UnionFind();
  for (const { a, b } of links) sets.union(a, b);
  const groups = sets.groups();
  let added = 0;
  for (const members of groups.values()) {
    if (!members.some((f) => doomed.has(f))) continue;
    const left = members.filter((f) => !doomed.has(f));
    for (const f of left.slice(1)) {
      const r = await tx.run(INSERT_CONSTRAINT, ['must_link', left[0]!, f, now]);
      added += r.changes;
    }
  }
  return added;
}

/**
 * Called inside the same transaction, for "this face is not this person": a cannot-link from a
 * surviving face to a face about to be deleted moves to the newest surviving face of the person
 * the doomed face belongs to, so `faceidx not` outlives the faces it was recorded on (retention
 * purges the oldest faces first). A link whose surviving side has nobody left to point at, or
 * whose two sides both go, goes with them. Returns the links added.
 */
export async function relinkCannotLinkSurvivors(tx: TxHandle, doomed: ReadonlySet<number>, now = Date.now()): Promise<number> {
  const links = await tx.all<{ a: number; b: number }>("SELECT face_a AS a, face_b AS b FROM constraints WHERE kind = 'cannot_link'");
  const linked = new Set(links.map(({ a, b }) => `${a},${b}`));
  let added = 0;
  for (const { a, b } of links) {
    if (doomed.has(a) === doomed.has(b)) continue;
    const [kept, gone] = doomed.has(a) ? [b, a] : [a, b];
    const person = await tx.get<{ p: number }>('SELECT person_id AS p FROM face_person WHERE face_id = ?', [gone]);
    if (!person) continue;
    const faces = await tx.all<{ id: number }>('SELECT face_id AS id FROM face_person WHERE person_id = ? ORDER BY face_id DESC', [person.p]);
    for (const { id } of faces) {
      if (doomed.has(id) || id === kept) continue;
      const [lo, hi] = kept < id ? [kept, id] : [id, kept];
      if (linked.has(`${lo},${hi}`)) break;
      const r = await tx.run(INSERT_CONSTRAINT, ['cannot_link', lo, hi, now]);
      linked.add(`${lo},${hi}`);
      added += r.changes;
      break;
    }
  }
  return added;
}
