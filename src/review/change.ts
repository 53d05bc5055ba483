/**
 * How a change of people is applied, the one path for the CLI and the review page: through the
 * running daemon when there is one (it owns the people core; the request waits in the store's
 * requests table until it answers), else here and now, through the people core opened on the
 * same storage folder and saved after the change. On the shared PostgreSQL store every change
 * is a request: the elected clusterer owns the people, wherever it runs (README "Many sites").
 */
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { applyRequest, openPeople } from '../people/index.js';
import type { RequestKind, RequestOf, ResultOf } from '../runtime/protocol.js';
import { livePid } from '../runtime/status-file.js';
import type { Store } from '../store/index.js';
import { askDaemon } from './daemon-request.js';

export interface ReviewContext {
  config: Readonly<Config>;
  store: Store;
  /** Who acts, as the audit log names them: `cli:<system user>`, `web:<user>`. */
  actor: string;
  /** The running daemon's pid, or undefined (default: the pid file of storage.dir, when it is another process). */
  daemonPid?: () => number | undefined;
  log?: Logger;
}

/** The pid of a live daemon for this storage folder (another process than this one), or undefined. */
export function runningDaemonPid(storageDir: string): number | undefined {
  const pid = livePid(storageDir);
  return pid === process.pid ? undefined : pid;
}

export function daemonPid(ctx: ReviewContext): number | undefined {
  return ctx.daemonPid ? ctx.daemonPid() : runningDaemonPid(ctx.config.storage.dir);
}

/** Whether changes go to a daemon as requests: always on the shared store, else when a daemon runs on the folder. */
export function viaDaemon(ctx: ReviewContext): boolean {
  return ctx.config.storage.backend === 'postgres' || daemonPid(ctx) !== undefined;
}

/** Offline changes of this process run one at a time (the review page may get several at once). */
let offline: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = offline.then(fn, fn);
  offline = run.catch(() => undefined);
  return run;
}

/** Applies a request of the protocol (src/runtime/protocol.ts) to the people. */
export async function changePeople<K extends RequestKind>(ctx: ReviewContext, request: RequestOf<K>): Promise<ResultOf<K>> {
  if (viaDaemon(ctx)) return askDaemon(ctx.store, request);
  return oneAtATime(async () => {
    const log = ctx.log ?? createLogger({ level: 'warn', pretty: false, destination: process.stderr });
    const people = await openPeople({ config: ctx.config, store: ctx.store, log });
    const out = await applyRequest(people, request);
    await people.save();
    return out;
  });
}
