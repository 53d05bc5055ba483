/**
 * While the daemon runs it owns the people (index, graph, clusters): the CLI and the review page
 * hand their changes of people to it through the requests table (src/runtime/protocol.ts) and wait for its answer.
 */
import { FaceidxError } from '../errors.js';
import { parseError, parseResult, type RequestKind, type RequestOf, type ResultOf } from '../runtime/protocol.js';
import type { Store } from '../store/index.js';

export interface AskOptions {
  /** How long to wait for the daemon's answer. */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Queues a request and waits for the daemon to apply it. Resolves with its (checked) result;
 * rejects with the daemon's error, or with FACEIDX_DB_LOCKED if no answer came in time (the
 * request stays queued and is applied when the daemon gets to it).
 */
export async function askDaemon<K extends RequestKind>(store: Store, request: RequestOf<K>, opts: AskOptions = {}): Promise<ResultOf<K>> {
  const { kind } = request;
  const id = await store.requests.enqueue(kind, request.args);
  const deadline = Date.now() + (opts.timeoutMs ?? requestTimeoutMs());
  for (;;) {
    const r = await store.requests.get(id);
    if (r?.doneAt != null) {
      if (r.error !== null) {
        // The daemon's message already carries its fix: rethrow it as it is, with its code.
        const e = parseError(r.error);
        throw new FaceidxError(e.code, e.message);
      }
      return parseResult(kind, r.result);
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
