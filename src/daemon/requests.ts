/**
 * Applies the CLI's requests (src/store/requests.ts) inside the running daemon, in the
 * pipeline's order, so the index, the clusters and the store never see two writers.
 */
import type { Logger } from '../log/logger.js';
import type { Store, RequestRow } from '../store/index.js';
import type { Clusterer } from '../cluster/index.js';
import { FaceidxError } from '../errors.js';
import { purgeOlderThan } from './retention.js';

export const POLL_MS = 1000;

export async function applyRequest(r: RequestRow, store: Store, clusterer: Clusterer): Promise<unknown> {
  const a = r.args;
  switch (r.kind) {
    case 'merge':
      return { kept: await clusterer.merge(a.a!, a.b!) };
    case 'not':
      await clusterer.notPerson(a.face!, a.person!);
      return { person: (await store.people.personOf(a.face!)) ?? null };
    case 'recluster':
      return clusterer.recluster();
    case 'forget': {
      const faceIds = await store.people.erase(a.person!);
      await clusterer.forgetFaces(faceIds);
      return { faceIds };
    }
    case 'purge':
      return purgeOlderThan(store, clusterer, a.before!);
    default:
      throw new FaceidxError('FACEIDX_USAGE', `unknown request kind "${String(r.kind)}"`, 'upgrade the faceidx CLI and daemon together');
  }
}

/** Polls the requests table and applies each pending request through `serialised`. */
export function startRequestWorker(opts: {
  store: Store;
  clusterer: Clusterer;
  serialised: <T>(fn: () => Promise<T>) => Promise<T>;
  log: Logger;
}): { stop(): Promise<void> } {
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const r of await opts.store.requests.pending()) {
      try {
        const result = await opts.serialised(() => applyRequest(r, opts.store, opts.clusterer));
        await opts.store.requests.finish(r.id, { result });
        opts.log.info({ request: r.id, kind: r.kind, args: r.args }, 'applied a request from the CLI');
      } catch (err) {
        const code = err instanceof FaceidxError ? err.code : 'FACEIDX_INTERNAL';
        await opts.store.requests.finish(r.id, { error: { code, message: (err as Error).message } });
        opts.log.warn({ request: r.id, kind: r.kind, err: (err as Error).message }, 'a request from the CLI failed');
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
