/**
 * The SQLite backend: one file per storage folder, opened with folder 0700 and file 0600, WAL,
 * foreign keys, and the numbered migrations (migrations.ts). The embedded default for one machine.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { FaceidxError } from '../errors.js';
import { DB_FILE, SerialLock, type Database, type Dialect, type OpenOptions, type SqlParams, type TxHandle } from './db.js';
import { migrationsFor, pendingMigrations, refuseNewer } from './migrations.js';

const DIALECT: Dialect = {
  groupConcatDistinct: (expr) => `group_concat(DISTINCT ${expr})`,
  groupLines: (expr, orderBy) => `group_concat(${expr}, char(10) ORDER BY ${orderBy})`,
  greatest: (a, b) => `max(${a}, ${b})`,
};

export class SqliteDatabase implements Database {
  readonly backend = 'sqlite';
  readonly sql = DIALECT;
  private readonly lock = new SerialLock();

  private constructor(
    private readonly db: sqlite3.Database,
    readonly where: string,
    readonly readonly: boolean,
  ) {}

  /** Opens `<dir>/faceidx.db`, creating the folder (0700) and file (0600) and migrating unless read-only. */
  static async open(dir: string, options: OpenOptions = {}): Promise<SqliteDatabase> {
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
    const db = new SqliteDatabase(raw, file, readonly);
    raw.configure('busyTimeout', options.busyTimeoutMs ?? 5000);
    try {
      await refuseNewer(db, await db.appliedVersions());
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

  async schemaVersion(): Promise<number> {
    return Math.max(0, ...(await this.appliedVersions()));
  }

  /** Versions recorded in `schema_migrations` (none for a new file). */
  private async appliedVersions(): Promise<number[]> {
    const table = await this.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!table?.n) return [];
    return (await this.all<{ v: number }>('SELECT version AS v FROM schema_migrations')).map((r) => r.v);
  }

  private async migrate(): Promise<void> {
    await this.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    // Every migration not yet recorded, in order: branches that add numbers below one already
    // applied (merged later) still run on stores that have the higher one.
    for (const m of pendingMigrations(migrationsFor('sqlite'), await this.appliedVersions())) {
      await this.transaction(async (tx) => {
        await tx.exec(m.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
        await tx.exec(`PRAGMA user_version = ${Math.max(m.version, await this.schemaVersion())}`);
      });
    }
  }

  run(sql: string, params: SqlParams = []): Promise<{ changes: number }> {
    return this.lock.run(() => this.runUnlocked(sql, params));
  }

  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params as unknown[], (err: Error | null, row: T | undefined) => (err ? reject(translate(err, this.where)) : resolve(row)));
    });
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params as unknown[], (err: Error | null, rows: T[]) => (err ? reject(translate(err, this.where)) : resolve(rows)));
    });
  }

  each<T>(sql: string, params: SqlParams, onRow: (row: T) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.db.each(
        sql,
        params as unknown[],
        (err: Error | null, row: T) => {
          if (!err) onRow(row);
        },
        (err: Error | null, count: number) => (err ? reject(translate(err, this.where)) : resolve(count)),
      );
    });
  }

  exec(sql: string): Promise<void> {
    return this.lock.run(() => this.execUnlocked(sql));
  }

  transaction<T>(fn: (tx: TxHandle) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      await this.execUnlocked('BEGIN IMMEDIATE');
      try {
        const result = await fn({
          sql: this.sql,
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
    return this.lock.run(
      () => new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(translate(err, this.where)) : resolve()))),
    );
  }

  private runUnlocked(sql: string, params: SqlParams = []): Promise<{ changes: number }> {
    const file = this.where;
    return new Promise((resolve, reject) => {
      this.db.run(sql, params as unknown[], function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(translate(err, file));
        else resolve({ changes: this.changes });
      });
    });
  }

  private execUnlocked(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(translate(err, this.where)) : resolve())));
  }
}

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
