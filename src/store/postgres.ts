/**
 * The PostgreSQL backend (node-postgres): the store shared by many sites. One connection per
 * handle, so a transaction, a session advisory lock and LISTEN all live on it; the handle never
 * reconnects by itself: when the connection is lost, `lost` resolves and every later call fails
 * with FACEIDX_DB_UNREACHABLE, and the owner (the clusterer, the shipper) opens a new one.
 *
 * The repositories' SQL is the same as on SQLite (db.ts says how it stays portable): `?`
 * placeholders are numbered here, integers of 64 bits and numerics come back as numbers.
 * The password of the URL is never printed: `where` and every error name the server without it.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { FaceidxError } from '../errors.js';
import { SerialLock, type Database, type Dialect, type OpenOptions, type SqlParams, type TxHandle } from './db.js';
import { migrationsFor, pendingMigrations, refuseNewer } from './migrations.js';

const DIALECT: Dialect = {
  groupConcatDistinct: (expr) => `string_agg(DISTINCT ${expr}::text, ',')`,
  groupLines: (expr, orderBy) => `string_agg(${expr}::text, chr(10) ORDER BY ${orderBy})`,
  greatest: (a, b) => `greatest(${a}, ${b})`,
};

/** 64-bit integers and numerics as JS numbers (ids, counts, ms times stay far below 2^53). */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  },
};

/** Any parameter node-postgres takes (arrays too, for the central store's bulk statements). */
export type PgParam = SqlParams[number] | ReadonlyArray<SqlParams[number]> | boolean;

export interface PgOpenOptions extends OpenOptions {
  /** Connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Run the migrations (default: unless read-only). Sites never migrate: they may only ship faces. */
  migrate?: boolean;
  /** Read the schema's version at open (default true); a site's role may read nothing, so it skips this. */
  schemaCheck?: boolean;
}

/**
 * The URL as safe to print: scheme, user, host, port and database; never the password or the
 * query (which may name files or secrets). A socket folder given as `?host=/path` is shown as the host.
 */
export function describePgUrl(url: string): string {
  const m = /^(postgres(?:ql)?):\/\/(?:([^:@/?#]*)(?::[^@/?#]*)?@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?/.exec(url);
  if (!m) return 'postgresql://(unparsable URL)';
  const [, scheme, user, authority, path, query] = m;
  const params = new URLSearchParams(query ?? '');
  const bare = authority ?? '';
  const [hostPart, portPart] = bare.startsWith('[') ? [bare.slice(0, bare.indexOf(']') + 1), bare.slice(bare.indexOf(']') + 2)] : bare.split(':');
  const host = hostPart || params.get('host') || 'localhost';
  const port = portPart || params.get('port') || '5432';
  const who = user ? `${safeDecode(user)}@` : '';
  return `${scheme}://${who}${host}:${port}${path ?? '/'}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** sslmode as libpq means it (disable, prefer, require, verify-ca, verify-full), not node-postgres' older reading. */
export function withLibpqSsl(url: string): string {
  if (!/[?&]sslmode=/.test(url) || /[?&]uselibpqcompat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}uselibpqcompat=true`;
}

export class PostgresDatabase implements Database {
  readonly backend = 'postgres';
  readonly sql = DIALECT;
  private readonly lock = new SerialLock();
  /** One statement on the connection at a time (node-postgres queues them, but that is deprecated). */
  private readonly wire = new SerialLock();
  private closed = false;
  private lostError: Error | undefined;
  /** Resolves when the connection is lost (never when it is closed on purpose). */
  readonly lost: Promise<Error>;
  private onLost!: (err: Error) => void;

  private constructor(
    readonly client: pg.Client,
    readonly where: string,
    readonly readonly: boolean,
  ) {
    this.lost = new Promise((resolve) => (this.onLost = resolve));
    const lose = (err: Error) => {
      if (this.closed || this.lostError) return;
      this.lostError = unreachable(err, where);
      this.onLost(this.lostError);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('the server closed the connection')));
  }

  static async open(url: string, options: PgOpenOptions = {}): Promise<PostgresDatabase> {
    const where = describePgUrl(url);
    const client = new pg.Client({
      connectionString: withLibpqSsl(url),
      types: TYPES,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'faceidx',
      keepAlive: true,
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw translate(err as Error, where);
    }
    const readonly = options.readonly ?? false;
    const db = new PostgresDatabase(client, where, readonly);
    try {
      if (readonly) await db.exec('SET default_transaction_read_only = on');
      if (options.schemaCheck === false) return db;
      const applied = await db.appliedVersions();
      const migrate = options.migrate ?? !readonly;
      if (!migrate && applied.length === 0) {
        throw new FaceidxError('FACEIDX_DB_MISSING', `no faceidx store in ${where}`, 'start the clusterer (faceidx run with storage.backend: postgres) once, or run `faceidx store copy` into it');
      }
      await refuseNewer(db, applied);
      if (migrate) await db.migrate();
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return db;
  }

  async schemaVersion(): Promise<number> {
    return Math.max(0, ...(await this.appliedVersions()));
  }

  private async appliedVersions(): Promise<number[]> {
    const t = await this.get<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
    if (!t?.t) return [];
    return (await this.all<{ v: number }>('SELECT version AS v FROM schema_migrations')).map((r) => r.v);
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (tx) => {
      // One migrator at a time: two daemons starting together must not both create the tables.
      await tx.exec('SELECT pg_advisory_xact_lock(4177001)');
      await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const applied = (await tx.all<{ v: number }>('SELECT version AS v FROM schema_migrations')).map((r) => r.v);
      for (const m of pendingMigrations(migrationsFor('postgres'), applied)) {
        await tx.exec(m.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      }
    });
  }

  run(sql: string, params: SqlParams = []): Promise<{ changes: number }> {
    return this.lock.run(() => this.runUnlocked(sql, params));
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.query<T>(numbered(sql), params))[0];
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.query<T>(numbered(sql), params);
  }

  /** A statement with `$1..$n` placeholders and any node-postgres parameters (arrays included). */
  async query<T>(text: string, params: readonly PgParam[] = []): Promise<T[]> {
    return (await this.send(text, params)).rows as T[];
  }

  private send(text: string, params: readonly PgParam[]): Promise<pg.QueryResult> {
    return this.wire.run(async () => {
      this.check();
      try {
        return await this.client.query(text, params as unknown[]);
      } catch (err) {
        throw translate(err as Error, this.where);
      }
    });
  }

  each<T>(sql: string, params: SqlParams, onRow: (row: T) => void): Promise<number> {
    // The cursor holds the connection until it is closed: one unit on the wire.
    return this.wire.run(async () => {
      this.check();
      const cursor = this.client.query(new Cursor<T>(numbered(sql), params as unknown[]));
      let n = 0;
      try {
        for (;;) {
          const rows = await cursor.read(1000);
          if (rows.length === 0) break;
          for (const r of rows) onRow(r);
          n += rows.length;
        }
      } catch (err) {
        throw translate(err as Error, this.where);
      } finally {
        await cursor.close().catch(() => undefined);
      }
      return n;
    });
  }

  exec(sql: string): Promise<void> {
    return this.lock.run(async () => {
      await this.query(sql);
    });
  }

  transaction<T>(fn: (tx: TxHandle) => Promise<T>, isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED'): Promise<T> {
    return this.lock.run(async () => {
      await this.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      try {
        const result = await fn({
          sql: this.sql,
          run: (sql, params = []) => this.runUnlocked(sql, params),
          exec: async (sql) => void (await this.query(sql)),
          get: (sql, params) => this.get(sql, params),
          all: (sql, params) => this.all(sql, params),
        });
        await this.query('COMMIT');
        return result;
      } catch (err) {
        if (!this.lostError) await this.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.lock.run(async () => {
      this.closed = true;
      await this.client.end().catch(() => undefined);
    });
  }

  private async runUnlocked(sql: string, params: SqlParams = []): Promise<{ changes: number }> {
    return { changes: (await this.send(numbered(sql), params)).rowCount ?? 0 };
  }

  private check(): void {
    if (this.lostError) throw this.lostError;
    if (this.closed) throw new FaceidxError('FACEIDX_INTERNAL', `the connection to ${this.where} was closed`);
  }
}

const numberedCache = new Map<string, string>();

/**
 * `?` -> `$1, $2, ...`, outside quoted strings, quoted names and comments (the repositories'
 * portable placeholders). Cached: repositories use a few hundred distinct statements.
 */
export function numbered(sql: string): string {
  const hit = numberedCache.get(sql);
  if (hit !== undefined) return hit;
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') out += `$${++n}`;
    else out += c;
  }
  if (numberedCache.size < 5000) numberedCache.set(sql, out);
  return out;
}

function unreachable(err: Error, where: string): FaceidxError {
  return new FaceidxError(
    'FACEIDX_DB_UNREACHABLE',
    `lost the connection to the PostgreSQL store ${where}: ${err.message}`,
    'check that the server runs and is reachable; faceidx reconnects by itself where it can',
    { cause: err },
  );
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** node-postgres and server errors as faceidx errors (codes with a fix; never the password). */
function translate(err: Error, where: string): Error {
  if (err instanceof FaceidxError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (CONNECT_CODES.has(code) || /timeout|Connection terminated|not queryable|closed the connection/i.test(err.message)) {
    return new FaceidxError('FACEIDX_DB_UNREACHABLE', `cannot reach the PostgreSQL store ${where}: ${err.message}`, 'check that the server runs and that storage.postgres.url (host, port) is right', { cause: err });
  }
  if (code === '28P01' || code === '28000') {
    return new FaceidxError('FACEIDX_STORAGE', `the PostgreSQL store ${where} refused the login: ${err.message}`, 'check the user and password of storage.postgres.url (put the password in the environment: ${FACEIDX_PG_PASSWORD})', { cause: err });
  }
  if (code === '3D000') {
    return new FaceidxError('FACEIDX_STORAGE', `the PostgreSQL store ${where} has no such database: ${err.message}`, 'create the database (createdb) or fix the database name in storage.postgres.url', { cause: err });
  }
  if (code === '42501') {
    return new FaceidxError('FACEIDX_DB_DENIED', `the PostgreSQL store ${where} refused: ${err.message}`, 'grant this role what it needs (README: "Many sites", the roles\' SQL) or use a role that has it', { cause: err });
  }
  if (code === '55P03' || code === '40P01' || code === '40001') {
    return new FaceidxError('FACEIDX_DB_LOCKED', `the PostgreSQL store ${where} is busy: ${err.message}`, 'try again in a moment', { cause: err });
  }
  if (code === '42883' && /faceidx_/.test(err.message)) {
    return new FaceidxError('FACEIDX_DB_MISSING', `the PostgreSQL store ${where} has no faceidx schema yet: ${err.message}`, 'start the clusterer (faceidx run with storage.backend: postgres) once, so it creates the tables', { cause: err });
  }
  if (code === '53100') {
    return new FaceidxError('FACEIDX_STORAGE', `the disk of the PostgreSQL store ${where} is full`, 'free space on the server; faceidx resumes storing when space returns', { cause: err });
  }
  if (/self[- ]signed|certificate|SSL|TLS|altnames/i.test(err.message)) {
    return new FaceidxError('FACEIDX_STORAGE', `TLS to the PostgreSQL store ${where} failed: ${err.message}`, 'check sslmode and sslrootcert in storage.postgres.url (verify-full needs the server\'s CA and a certificate for that host name)', { cause: err });
  }
  return err;
}
