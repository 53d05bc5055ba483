/**
 * The SQLite connection: opening (folder 0700, file 0600), pragmas, migrations and a small
 * promise API over `sqlite3`. Only src/store/ writes SQL; everything else uses repositories.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { FaceidxError } from '../errors.js';
import { MIGRATIONS, LATEST_VERSION } from './migrations.js';

export const DB_FILE = 'faceidx.db';

export type SqlParam = string | number | bigint | Buffer | Uint8Array | null;
export type SqlParams = readonly SqlParam[] | Record<string, SqlParam>;

export interface OpenOptions {
  /** Open read-only (the CLI's read commands); never migrates or creates anything. */
  readonly?: boolean;
  /** How long to wait for a lock held by another process. */
  busyTimeoutMs?: number;
}

export class Database {
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
    readonly readonly: boolean,
  ) {}

  /** Opens `<dir>/faceidx.db`, creating the folder (0700) and file (0600) and migrating unless read-only. */
  static async open(dir: string, options: OpenOptions = {}): Promise<Database> {
    const file = join(dir, DB_FILE);
    const readonly = options.readonly ?? false;
    if (readonly) {
      if (!existsSync(file)) {
        throw new FaceidxError(
          'FACEIDX_DB_MISSING',
          `no faceidx database at ${file}`,
          'start the daemon with this config first (faceidx run --config <file>), or pass the --config the daemon uses',
        );
      }
    } else {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Create the file ourselves so it is 0600 from the start; SQLite gives -wal/-shm the same mode.
        closeSync(openSync(file, 'a', 0o600));
      } catch (err) {
        throw new FaceidxError(
          'FACEIDX_STORAGE',
          `cannot create the store in ${dir}: ${(err as Error).message}`,
          'make storage.dir writable by the user faceidx runs as, or choose another folder',
          { cause: err },
        );
      }
    }
    const mode = readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(translate(err, file)) : resolve(db)));
    });
    const db = new Database(raw, file, readonly);
    raw.configure('busyTimeout', options.busyTimeoutMs ?? 5000);
    try {
      await db.refuseNewerSchema();
      if (!readonly) {
        await db.exec('PRAGMA journal_mode = WAL');
        await db.exec('PRAGMA synchronous = NORMAL');
      }
      await db.exec('PRAGMA foreign_keys = ON');
      if (!readonly) await db.migrate();
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return db;
  }

  /** The highest migration recorded in the file (0 for a new file). */
  async schemaVersion(): Promise<number> {
    const table = await this.get<{ n: number }>(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
    );
    if (!table?.n) return 0;
    const row = await this.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return row?.v ?? 0;
  }

  private async refuseNewerSchema(): Promise<void> {
    const version = await this.schemaVersion();
    if (version > LATEST_VERSION) {
      throw new FaceidxError(
        'FACEIDX_DB_NEWER',
        `${this.file} has schema version ${version}, newer than this faceidx understands (${LATEST_VERSION}); it was left untouched`,
        'run the faceidx version that wrote it, or upgrade faceidx',
      );
    }
    if (this.readonly && (await this.missingMigrations()).length > 0) {
      throw new FaceidxError(
        'FACEIDX_DB_OLDER',
        `${this.file} has schema version ${version}, older than this faceidx reads (${LATEST_VERSION}); read commands never upgrade it`,
        'start the daemon of this faceidx version once (faceidx run) so it upgrades the store, then try again',
      );
    }
  }

  /** Migrations not recorded in the file (a new file: all of them). */
  private async missingMigrations(): Promise<number[]> {
    const table = await this.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    const applied = new Set(table?.n ? (await this.all<{ v: number }>('SELECT version AS v FROM schema_migrations')).map((r) => r.v) : []);
    return MIGRATIONS.map((m) => m.version).filter((v) => !applied.has(v));
  }

  private async migrate(): Promise<void> {
    await this.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    // Every migration not yet recorded, in order: branches that add numbers below one already
    // applied (merged later) still run on stores that have the higher one.
    const missing = new Set(await this.missingMigrations());
    for (const m of MIGRATIONS) {
      if (!missing.has(m.version)) continue;
      await this.transaction(async () => {
        await this.execUnlocked(m.sql);
        await this.runUnlocked('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          Date.now(),
        ]);
        await this.execUnlocked(`PRAGMA user_version = ${Math.max(m.version, await this.schemaVersion())}`);
      });
    }
  }

  run(sql: string, params: SqlParams = []): Promise<{ lastID: number; changes: number }> {
    return this.locked(() => this.runUnlocked(sql, params));
  }

  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params as unknown[], (err: Error | null, row: T | undefined) =>
        err ? reject(translate(err, this.file)) : resolve(row),
      );
    });
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params as unknown[], (err: Error | null, rows: T[]) =>
        err ? reject(translate(err, this.file)) : resolve(rows),
      );
    });
  }

  /** Streams rows one at a time (large scans without holding every row). */
  each<T>(sql: string, params: SqlParams, onRow: (row: T) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.db.each(
        sql,
        params as unknown[],
        (err: Error | null, row: T) => {
          if (!err) onRow(row);
        },
        (err: Error | null, count: number) => (err ? reject(translate(err, this.file)) : resolve(count)),
      );
    });
  }

  exec(sql: string): Promise<void> {
    return this.locked(() => this.execUnlocked(sql));
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error). Writes are serialised:
   * other run/exec/transaction calls wait until this one ends, so they never join it by accident.
   * Inside `fn`, use the `tx` handle it receives for writes.
   */
  transaction<T>(fn: (tx: TxHandle) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      await this.execUnlocked('BEGIN IMMEDIATE');
      try {
        const result = await fn({
          run: (sql, params = []) => this.runUnlocked(sql, params),
          exec: (sql) => this.execUnlocked(sql),
          get: (sql, params) => this.get(sql, params),
          all: (sql, params) => this.all(sql, params),
        });
        await this.execUnlocked('COMMIT');
        return result;
      } catch (err) {
        await this.execUnlocked('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.locked(
      () => new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(translate(err, this.file)) : resolve()))),
    );
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private runUnlocked(sql: string, params: SqlParams = []): Promise<{ lastID: number; changes: number }> {
    const file = this.file;
    return new Promise((resolve, reject) => {
      this.db.run(sql, params as unknown[], function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(translate(err, file));
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    });
  }

  private execUnlocked(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(translate(err, this.file)) : resolve())));
  }
}

export interface TxHandle {
  run(sql: string, params?: SqlParams): Promise<{ lastID: number; changes: number }>;
  exec(sql: string): Promise<void>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** Either the database or a transaction handle: repositories accept both. */
export type Queryable = Pick<Database, 'get' | 'all'> & Pick<TxHandle, 'run'>;

function translate(err: Error, file: string): Error {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new FaceidxError('FACEIDX_DB_LOCKED', `${file} is locked by another process`, 'try again in a moment; if it persists, check for a stuck faceidx process', { cause: err });
  }
  if (code === 'SQLITE_FULL') {
    return new FaceidxError('FACEIDX_STORAGE', `the disk holding ${file} is full`, 'free space on that disk; faceidx resumes storing when space returns', { cause: err });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new FaceidxError('FACEIDX_STORAGE', `cannot open ${file}`, 'check that storage.dir exists and is readable by this user', { cause: err });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new FaceidxError('FACEIDX_STORAGE', `${file} is not a faceidx database or is damaged`, 'restore it from a backup or point storage.dir at another folder', { cause: err });
  }
  return err;
}
