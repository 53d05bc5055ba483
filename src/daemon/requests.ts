/**
 * Applies the CLI's requests (the protocol: src/runtime/protocol.ts) inside the running daemon,
 * in the pipeline's order, so the people core never sees two writers. A row that is not a
 * valid request is answered with FACEIDX_REQUEST; an error without a code with FACEIDX_INTERNAL.
 */
import type { Logger } from '../log/logger.js';
import type { Store, RequestRow } from '../store/index.js';
import { applyRequest, type People } from '../people/index.js';
import { parseRequest, toRequestError } from '../runtime/protocol.js';

export const POLL_MS = 1000;

/** Validates a row and applies it; resolves to its result, rejects with the error to store. */
function applyRow(r: RequestRow, people: People, serialised: <T>(fn: () => Promise<T>) => Promise<T>): Promise<unknown> {
  const request = parseRequest(r.kind, r.args);
  return serialised(() => applyRequest(people, request));
}

/** Polls the requests table and applies each pending request through `serialised`. */
export function startRequestWorker(opts: {
  store: Store;
  people: People;
  serialised: <T>(fn: () => Promise<T>) => Promise<T>;
  log: Logger;
}): { stop(): Promise<void> } {
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const r of await opts.store.requests.pending()) {
      try {
        const result = await applyRow(r, opts.people, opts.serialised);
        await opts.store.requests.finish(r.id, { result });
        opts.log.info({ request: r.id, kind: r.kind, args: r.args }, 'applied a request from the CLI');
      } catch (err) {
        const error = toRequestError(err);
        await opts.store.requests.finish(r.id, { error });
        opts.log.warn({ request: r.id, kind: r.kind, code: error.code, err: error.message }, 'a request from the CLI failed');
      }
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(tick).catch((err: Error) => opts.log.error({ err: err.message }, 'could not read requests'));
  }, POLL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}
