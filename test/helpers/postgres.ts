/**
 * A throwaway PostgreSQL server for tests, from Debian's `postgresql` binaries: initdb in a
 * temporary folder, listening on a Unix socket in that folder (and on a free loopback port when
 * asked, e.g. for TLS), stopped and removed by `stop()`. initdb refuses to run as root, so when
 * the tests run as root (CI) the server runs as the `postgres` user the package creates.
 * A machine without the binaries fails the test saying what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.js';

export interface PgServer {
  /** Folder holding the data directory and the socket. */
  dir: string;
  /** The Unix socket's folder (the `host` of a socket URL). */
  socketDir: string;
  port: number;
  /** The superuser's URL (no password: trust on the socket) for a database, default `postgres`. */
  url(database?: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser (psql), returns its output. */
  psql(sql: string, database?: string): string;
  /** Stops the server (fast shutdown) without removing it; `start()` starts it again. */
  pause(): void;
  start(): void;
  /** Stops it and removes every file. */
  stop(): Promise<void>;
}

export interface PgOptions {
  /** Also listen on 127.0.0.1 at `port` (TCP), with these extra lines in postgresql.conf. */
  tcp?: boolean;
  conf?: string[];
  /** Replaces pg_hba.conf (lines). */
  hba?: string[];
  /** Files to place in the data directory before the start (e.g. server.crt, server.key). */
  files?: Record<string, string>;
}

function binDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [fromConfig.status === 0 ? fromConfig.stdout.trim() : '', ...listVersions()];
  for (const dir of candidates) if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) are not installed: the store tests start a throwaway PostgreSQL server. ' +
      "Install them with `sudo apt-get install -y postgresql` (the README's prerequisites list every package the tests need)",
  );
}

function listVersions(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a server binary, as `postgres` when we are root. */
function runAs(bin: string, args: string[], opts: { input?: string } = {}): string {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function startPostgres(options: PgOptions = {}): Promise<PgServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0) throw new Error('the tests run as root, so PostgreSQL must run as the `postgres` user, which does not exist: install postgresql');
    const uid = Number(pw.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  runAs(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const conf = [
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    `listen_addresses = '${options.tcp ? '127.0.0.1' : ''}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 60',
    ...(options.conf ?? []),
  ];
  runAs('sh', ['-c', `cat >> '${join(data, 'postgresql.conf')}'`], { input: `${conf.join('\n')}\n` });
  if (options.hba) runAs('sh', ['-c', `cat > '${join(data, 'pg_hba.conf')}'`], { input: `${options.hba.join('\n')}\n` });
  for (const [name, content] of Object.entries(options.files ?? {})) {
    runAs('sh', ['-c', `umask 077; cat > '${join(data, name)}'`], { input: content });
  }
  const log = join(dir, 'server.log');
  const start = () => runAs(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', '-c logging_collector=off', 'start']);
  start();
  const url = (database = 'postgres') => `postgresql://postgres@/${database}?host=${encodeURIComponent(dir)}&port=${port}`;
  const psql = (sql: string, database = 'postgres') =>
    runAs(join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', database], { input: sql });
  let n = 0;
  let stopped = false;
  return {
    dir,
    socketDir: dir,
    port,
    url,
    psql,
    async createDatabase(name = `t${process.pid}_${++n}`) {
      psql(`CREATE DATABASE "${name}";`);
      return url(name);
    },
    pause() {
      runAs(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    start() {
      start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(isRoot() ? 'runuser' : join(bin, 'pg_ctl'), isRoot() ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'] : ['-D', data, '-m', 'immediate', '-w', 'stop'], {
        stdio: 'ignore',
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a file readable by the server user (certificates for TLS tests). */
export function writeForServer(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
}
