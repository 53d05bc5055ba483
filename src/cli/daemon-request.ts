/**
 * While the daemon runs it owns the index and the clusters: commands that change people hand
 * their change to it through the requests table and wait for its answer.
 */
import { FaceidxError, type ErrorCode } from '../errors.js';
import type { RequestKind, Store } from '../store/index.js';

export interface AskOptions {
  /** How long to wait for the daemon's answer. */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Queues a request and waits for the daemon to apply it. Resolves with its result; rejects
 * with the daemon's error, or with FACEIDX_DB_LOCKED if no answer came in time (the request
 * stays queued and is applied when the daemon gets to it).
 */
export async function askDaemon(store: Store, kind: RequestKind, args: Record<string, number>, opts: AskOptions = {}): Promise<unknown> {
  const id = await store.requests.enqueue(kind, args);
  const deadline = Date.now() + (opts.timeoutMs ?? requestTimeoutMs());
  for (;;) {
    const r = await store.requests.get(id);
    if (r?.doneAt != null) {
      // The daemon's message already carries its fix: rethrow it as it is, with its code.
      if (r.error) throw new FaceidxError(r.error.code as ErrorCode, r.error.message);
      return r.result;
    }
    if (Date.now() > deadline) {
      throw new FaceidxError('FACEIDX_DB_LOCKED', `the daemon has not answered request ${id} (${kind}) yet; it stays queued and is applied when the daemon gets to it`, 'check faceidx status, then faceidx people');
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 200));
  }
}

/** How long the CLI waits for the daemon: $FACEIDX_REQUEST_TIMEOUT_MS, else 60 s. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['FACEIDX_REQUEST_TIMEOUT_MS']);
  return Number.isFinite(n) && n > 0 ? n : 60_000;
}
