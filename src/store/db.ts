/**
 * What a repository sees of the database: one small promise API that both backends implement
 * (SQLite: sqlite.ts, PostgreSQL: postgres.ts). Only src/store/ writes SQL; everything else uses
 * repositories.
 *
 * Portable SQL, so one repository serves both backends:
 * - `?` placeholders (the PostgreSQL backend numbers them);
 * - camelCase result names double-quoted (`camera_id AS "cameraId"`), since PostgreSQL folds
 *   unquoted names to lower case;
 * - a new row's id through `INSERT ... RETURNING id` with `get`, not a driver's last id;
 * - `ON CONFLICT ... DO NOTHING / DO UPDATE` (never `INSERT OR IGNORE`), booleans as 0/1
 *   integers (`CASE WHEN ... THEN 1 ELSE 0 END`, never a bare comparison as a value), times
 *   as integer ms since the epoch;
 * - what differs between the two dialects comes from `db.sql` (Dialect below).
 */
export const DB_FILE = 'faceidx.db';

export type SqlParam = string | number | bigint | Buffer | Uint8Array | null;
export type SqlParams = readonly SqlParam[];

export type Backend = 'sqlite' | 'postgres';

export interface OpenOptions {
  /** Open read-only (the CLI's read commands); never migrates or creates anything. */
  readonly?: boolean;
  /** How long to wait for a lock held by another process. */
  busyTimeoutMs?: number;
}

/** The SQL that differs between SQLite and PostgreSQL. */
export interface Dialect {
  /** Comma-joined distinct values of a group (SQLite group_concat, PostgreSQL string_agg). */
  groupConcatDistinct(expr: string): string;
  /** Values of a group joined by newlines, in the order of `orderBy`. */
  groupLines(expr: string, orderBy: string): string;
  /** The larger of two values (SQLite's two-argument max, PostgreSQL's greatest). */
  greatest(a: string, b: string): string;
}

export interface TxHandle {
  readonly sql: Dialect;
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  exec(sql: string): Promise<void>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** An open database, either backend. */
export interface Database extends TxHandle {
  readonly backend: Backend;
  readonly readonly: boolean;
  /** Where the data lives, safe to print (a file path, or a URL without its password). */
  readonly where: string;
  /** Streams rows one at a time (large scans without holding every row). Returns the row count. */
  each<T>(sql: string, params: SqlParams, onRow: (row: T) => void): Promise<number>;
  /**
   * Runs `fn` in a transaction (ROLLBACK on error). Writes are serialised: other run/exec/
   * transaction calls on this handle wait until it ends, so they never join it by accident.
   * Inside `fn`, use the `tx` handle it receives for writes.
   */
  transaction<T>(fn: (tx: TxHandle) => Promise<T>): Promise<T>;
  /** The highest migration recorded (0 for a new store). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** Either the database or a transaction handle: repositories accept both. */
export type Queryable = Pick<Database, 'get' | 'all' | 'run'>;

/** `LIMIT ?` for an optional limit (no limit: the largest safe integer, valid in both dialects). */
export function limitOf(limit: number | undefined): number {
  return limit === undefined || limit < 0 ? Number.MAX_SAFE_INTEGER : limit;
}

/** `items` in slices of at most `size`: one `IN (...)` list each, within every engine's parameter limit. */
export function inChunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `?,?,?` for a list of parameters. */
export function marks(n: number): string {
  return new Array(n).fill('?').join(',');
}

/**
 * Serialises async work on one connection: each call starts when the previous one settled.
 * Both backends use it for writes and transactions.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
