/** User constraints between two faces that every re-cluster must respect. */
import type { Database, TxHandle } from './db.js';

export type ConstraintKind = 'must_link' | 'cannot_link';

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
      'INSERT OR IGNORE INTO constraints (kind, face_a, face_b, created_at) VALUES (?, ?, ?, ?)',
      [kind, lo, hi, now],
    );
  }

  async list(kind?: ConstraintKind): Promise<Constraint[]> {
    return this.db.all<Constraint>(
      `SELECT id, kind, face_a AS faceA, face_b AS faceB, created_at AS createdAt FROM constraints
       ${kind ? 'WHERE kind = ?' : ''} ORDER BY id`,
      kind ? [kind] : [],
    );
  }

  async remove(kind: ConstraintKind, a: number, b: number): Promise<void> {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    await this.db.run('DELETE FROM constraints WHERE kind = ? AND face_a = ? AND face_b = ?', [kind, lo, hi]);
  }
}
