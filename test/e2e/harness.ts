/** Spawns the real `faceidx` process for end-to-end tests and reads what it leaves behind. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const SAMPLES = join(ROOT, 'samples');
/** Built ONNX models shared by every e2e test (built once, on first use). */
export const MODEL_DIR = join(tmpdir(), 'faceidx-e2e-models');

export interface Camera {
  id: string;
  url: string;
  fps?: number;
  loop?: boolean;
  decode?: 'all' | 'keyframes';
  rtspTransport?: 'tcp' | 'udp';
}

export function makeConfig(cameras: Camera[], extra = '', dir = mkdtempSync(join(tmpdir(), 'faceidx-e2e-')), inference = ''): { dir: string; file: string; storage: string } {
  const storage = join(dir, 'state');
  const cams = cameras
    .map((c) => `  - id: ${c.id}\n    url: ${JSON.stringify(c.url)}\n    fps: ${c.fps ?? 4}\n${c.loop ? '    loop: true\n' : ''}${c.decode ? `    decode: ${c.decode}\n` : ''}${c.rtspTransport ? `    rtspTransport: ${c.rtspTransport}\n` : ''}`)
    .join('');
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `storage:\n  dir: ${storage}\ncameras:\n${cams || '  []\n'}inference:\n  device: cpu\n  modelDir: ${MODEL_DIR}\n${inference}clustering:\n  minFaces: 2\nlogging:\n  level: info\n${extra}`,
  );
  return { dir, file, storage };
}

export interface Daemon {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const started = new Set<ChildProcess>();

/** Kills every daemon a test started and left running (an `after` hook: a failed test leaves none behind). */
export function killLeftovers(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

export function startDaemon(configFile: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Daemon {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'run', '--config', configFile, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NOTIFY_SOCKET: '', ...env },
  });
  started.add(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exited, output: () => out };
}

/** Runs a CLI command to the end; returns its exit code and output. */
export function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface StatusJson {
  pid: number;
  state: string;
  indexSize: number;
  provider: string;
  faces: { stored: number; clusterable: number };
  feeds: Array<{ cameraId: string; state: string; framesOut: number; restarts: number; lastError?: string }>;
}

export function readStatusJson(storage: string): StatusJson | undefined {
  try {
    return JSON.parse(readFileSync(join(storage, 'status.json'), 'utf8')) as StatusJson;
  } catch {
    return undefined;
  }
}

/** Runs queries on the daemon's database with a separate connection. */
export async function query<T>(storage: string, sql: string): Promise<T[]> {
  return new Promise((resolveRows, reject) => {
    const db = new sqlite3.Database(join(storage, 'faceidx.db'), sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all(sql, (e: Error | null, rows: T[]) => db.close(() => (e ? reject(e) : resolveRows(rows))));
    });
  });
}
