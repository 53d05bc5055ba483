/**
 * Requests from the CLI to a running daemon: while the daemon runs it owns the index and the
 * clusters, so commands that change people (merge, not, recluster, forget, purge) are queued
 * here, applied by the daemon in order, and answered with a result or an error.
 */
import type { Database } from './db.js';

export type RequestKind = 'merge' | 'not' | 'recluster' | 'forget' | 'purge';

export interface RequestRow {
  id: number;
  kind: RequestKind;
  args: Record<string, number>;
  createdAt: number;
  doneAt: number | null;
  result: unknown;
  error: { code: string; message: string } | null;
}

interface Raw {
  id: number;
  kind: RequestKind;
  args: string;
  createdAt: number;
  doneAt: number | null;
  result: string | null;
  error: string | null;
}

const COLUMNS = 'id, kind, args, created_at AS createdAt, done_at AS doneAt, result, error';

function parse(r: Raw): RequestRow {
  return {
    ...r,
    args: JSON.parse(r.args) as Record<string, number>,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error === null ? null : (JSON.parse(r.error) as { code: string; message: string }),
  };
}

export class RequestsRepository {
  constructor(private readonly db: Database) {}

  async enqueue(kind: RequestKind, args: Record<string, number>, now = Date.now()): Promise<number> {
    const r = await this.db.run('INSERT INTO requests (kind, args, created_at) VALUES (?, ?, ?)', [kind, JSON.stringify(args), now]);
    return r.lastID;
  }

  async pending(): Promise<RequestRow[]> {
    const rows = await this.db.all<Raw>(`SELECT ${COLUMNS} FROM requests WHERE done_at IS NULL ORDER BY id`);
    return rows.map(parse);
  }

  async get(id: number): Promise<RequestRow | undefined> {
    const r = await this.db.get<Raw>(`SELECT ${COLUMNS} FROM requests WHERE id = ?`, [id]);
    return r && parse(r);
  }

  async finish(id: number, outcome: { result: unknown } | { error: { code: string; message: string } }, now = Date.now()): Promise<void> {
    const ok = 'result' in outcome;
    await this.db.run('UPDATE requests SET done_at = ?, result = ?, error = ? WHERE id = ?', [
      now,
      ok ? JSON.stringify(outcome.result ?? null) : null,
      ok ? null : JSON.stringify(outcome.error),
      id,
    ]);
  }
}
