/**
 * The `requests` table: how the CLI hands a change of people to a running daemon (the protocol,
 * its kinds and their validation, is src/runtime/protocol.ts; this table only keeps the rows).
 * Rows are read back as they were written: `kind`, `args`, `result` and `error` are whatever the
 * writer put there (JSON; text that is not JSON reads as the text itself), for the protocol to check.
 */
import type { Database } from './db.js';

export interface RequestRow {
  id: number;
  kind: string;
  args: unknown;
  createdAt: number;
  doneAt: number | null;
  result: unknown;
  error: unknown;
}

interface Raw {
  id: number;
  kind: string;
  args: string;
  createdAt: number;
  doneAt: number | null;
  result: string | null;
  error: string | null;
}

const COLUMNS = 'id, kind, args, created_at AS "createdAt", done_at AS "doneAt", result, error';

function json(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parse(r: Raw): RequestRow {
  return { ...r, args: json(r.args), result: json(r.result), error: json(r.error) };
}

export class RequestsRepository {
  constructor(private readonly db: Database) {}

  async enqueue(kind: string, args: unknown, now = Date.now()): Promise<number> {
    const r = await this.db.get<{ id: number }>('INSERT INTO requests (kind, args, created_at) VALUES (?, ?, ?) RETURNING id', [kind, JSON.stringify(args ?? {}), now]);
    return r!.id;
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
