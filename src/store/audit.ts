/**
 * The audit log: every review action (from the CLI or the review page) with who did it and
 * when, and what an undo needs (`details`, JSON). Rows are never changed except `undone_by`,
 * set once when the action is undone; the undo itself is a row of its own.
 */
import type { Database } from './db.js';

export interface NewAuditEntry {
  actor: string;
  action: string;
  summary: string;
  details: unknown;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  summary: string;
  details: unknown;
  undoneBy: number | null;
}

const COLUMNS = 'id, at, actor, action, summary, details, undone_by AS "undoneBy"';

type Raw = Omit<AuditEntry, 'details'> & { details: string };

function parse(r: Raw): AuditEntry {
  let details: unknown = r.details;
  try {
    details = JSON.parse(r.details) as unknown;
  } catch {
    // kept as the text written
  }
  return { ...r, details };
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Records an action; returns its id. */
  async record(e: NewAuditEntry, now = Date.now()): Promise<number> {
    const r = await this.db.get<{ id: number }>(
      'INSERT INTO audit_log (at, actor, action, summary, details) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [now, e.actor, e.action, e.summary, JSON.stringify(e.details ?? null)],
    );
    return r!.id;
  }

  async get(id: number): Promise<AuditEntry | undefined> {
    const r = await this.db.get<Raw>(`SELECT ${COLUMNS} FROM audit_log WHERE id = ?`, [id]);
    return r && parse(r);
  }

  /** Newest first: `limit` entries with an id below `before` (paging), optionally of one action. */
  async list(opts: { limit?: number; before?: number; action?: string } = {}): Promise<AuditEntry[]> {
    const where = ['id < ?'];
    const params: Array<string | number> = [opts.before ?? Number.MAX_SAFE_INTEGER];
    if (opts.action !== undefined) {
      where.push('action = ?');
      params.push(opts.action);
    }
    params.push(opts.limit ?? 100);
    const rows = await this.db.all<Raw>(`SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, params);
    return rows.map(parse);
  }

  /** Marks an entry undone by the undo entry `by`; false when it was already undone. */
  async markUndone(id: number, by: number): Promise<boolean> {
    return (await this.db.run('UPDATE audit_log SET undone_by = ? WHERE id = ? AND undone_by IS NULL', [by, id])).changes > 0;
  }
}
