/**
 * Runtime files shared by the daemon (writer) and the CLI (reader), so neither imports the
 * other: `<storage.dir>/faceidx.pid` (which process owns the storage folder) and
 * `<storage.dir>/status.json` (the daemon's view of itself for `faceidx status`, written
 * atomically every few seconds).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STATUS_FILE = 'status.json';
export const PID_FILE = 'faceidx.pid';

export interface FeedStatusLine {
  cameraId: string;
  url: string;
  kind: string;
  state: string;
  framesIn: number;
  framesOut: number;
  drops: number;
  restarts: number;
  fps: number;
  lastError?: string | undefined;
  lastFrameAt?: number | undefined;
}

/** An edge's shipping to the central store (src/central/shipper.ts). */
export interface CentralStatusLine {
  state: 'starting' | 'ok' | 'down';
  waiting: number;
  shipped: number;
  lastShippedAt: number | null;
  downSince: number | null;
  lastError: string | null;
  /** The central store, without its password. */
  where: string;
}

/** A clusterer of the shared store (src/central/clusterer.ts). */
export interface ClusterStatusLine {
  role: 'connecting' | 'standby' | 'leader' | 'stopped';
  since: number;
  where: string;
  faces: number;
  indexSize: number;
  lastError: string | null;
  lastCheckpointAt: number | null;
}

export interface DaemonStatus {
  pid: number;
  startedAt: number;
  updatedAt: number;
  state: 'starting' | 'running' | 'stopping';
  provider: string;
  indexSize: number;
  faces: { stored: number; clusterable: number; gated: number; storeErrors: number };
  frames: { processed: number; withFaces: number; static: number };
  feeds: FeedStatusLine[];
  central?: CentralStatusLine | undefined;
  cluster?: ClusterStatusLine | undefined;
}

export function writeStatus(dir: string, status: DaemonStatus): void {
  const file = join(dir, STATUS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(status)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export function readStatus(dir: string): DaemonStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STATUS_FILE), 'utf8')) as DaemonStatus;
  } catch {
    return undefined;
  }
}

export function writePid(dir: string): void {
  writeFileSync(join(dir, PID_FILE), `${JSON.stringify({ pid: process.pid, startedAt: Date.now() })}\n`, { mode: 0o600 });
}

export function removePid(dir: string): void {
  rmSync(join(dir, PID_FILE), { force: true });
}

/** Parses the pid file's text (`{"pid": n, ...}`); undefined when it is not one. */
export function parsePidFile(text: string): number | undefined {
  try {
    const pid = (JSON.parse(text) as { pid?: unknown } | null)?.pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid of a live daemon using this storage folder, if any. A process owned by another user
 * (EPERM: the faceidx service user) counts as live.
 */
export function livePid(dir: string): number | undefined {
  let pid: number | undefined;
  try {
    pid = parsePidFile(readFileSync(join(dir, PID_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
