/** Shared by the feed tests: cameras, frame collection, child-process checks. */
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cameraSchema, type CameraConfig } from '../../src/config/schema.js';
import { CameraFeed, type CameraFeedOptions, type Frame } from '../../src/feed/index.js';
import { silentLogger } from '../../src/log/logger.js';

export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
/** 480x270, 12 fps, 3.417 s, keyframes at 0 and 2.0833 s. */
export const WALKING_PAUSE = `${SAMPLES}face-demographics-walking-and-pause.mp4`;
/** 480x270, 15 fps, 3.0 s. */
export const CLASSROOM = `${SAMPLES}classroom.mp4`;
/** 480x270, 12 fps, 1.917 s. */
export const FEMALE = `${SAMPLES}head-pose-face-detection-female.mp4`;

export const run = promisify(execFile);

export function camera(over: Partial<Record<keyof CameraConfig, unknown>> & { url: string }): CameraConfig {
  return cameraSchema.parse({ id: 'cam1', ...over });
}

export function feed(cam: CameraConfig, opts: Partial<CameraFeedOptions> = {}): CameraFeed {
  return new CameraFeed(cam, { log: silentLogger, maxQueue: 8, ...opts });
}

/** Reads frames until the feed ends (or `max` frames); fails the test after `timeoutMs`. */
export async function collect(f: CameraFeed, opts: { max?: number; timeoutMs?: number } = {}): Promise<Frame[]> {
  const frames: Frame[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (opts.max !== undefined && frames.length >= opts.max) return frames;
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, left));
    });
    const frame = await Promise.race([f.next(), timeout]);
    clearTimeout(timer);
    if (frame === 'timeout') throw new Error(`timed out after ${frames.length} frames; status ${JSON.stringify(f.status())}`);
    if (!frame) return frames;
    frames.push(frame);
  }
}

/** Resolves with the first status for which `pred` holds (checked on every state event and every 50 ms). */
export async function waitFor(f: CameraFeed, pred: (s: ReturnType<CameraFeed['status']>) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = f.status();
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; status ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Command names of this process's live children (zombies left out). */
export function childCommands(): string[] {
  try {
    const out = execFileSync('ps', ['-o', 'stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('Z'))
      .map((l) => l.split(/\s+/)[1] ?? '');
  } catch {
    return [];
  }
}

/** A loopback TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const near = (a: number, b: number, eps = 0.02): boolean => Math.abs(a - b) <= eps;
export const positions = (frames: Frame[]): number[] => frames.map((f) => Math.round(f.pos * 1000) / 1000);
