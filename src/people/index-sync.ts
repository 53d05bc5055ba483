/**
 * Keeps the HNSW index in line with the store (the source of truth), at open time: adds the
 * clusterable faces it lacks, hides the ones the store no longer has, or rebuilds it from the
 * store when its file was not loaded (missing, stale, corrupt) or most of it is stale (never
 * fatal). The index itself never reads the store: it is handed ids and vectors from here.
 */
import type { FaceIndex, FaceVector } from '../index/hnsw.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';

export interface SyncResult {
  added: number;
  removed: number;
  rebuilt: boolean;
}

/** Stored clusterable faces with id > `after` (and in `only`, when given), 2,000 per batch. */
async function* storedVectors(store: Store, after: number, only: ReadonlySet<number> | null): AsyncGenerator<FaceVector[]> {
  for (let last = after; ; ) {
    const rows = await store.faces.vectorsAfter(last, 2000, true);
    if (rows.length === 0) return;
    last = rows[rows.length - 1]!.id;
    yield only === null ? rows : rows.filter((r) => only.has(r.id));
  }
}

/** Makes `index` hold exactly the store's clusterable faces; saves it when anything changed. */
export async function syncIndex(index: FaceIndex, store: Store, log: Logger): Promise<SyncResult> {
  const ids = await store.faces.ids(true);
  const want = new Set(ids);
  const extra = index.ids().filter((id) => !want.has(id));
  const missing = ids.filter((id) => !index.has(id));
  const problem = index.loadProblem;
  const rebuild = problem !== null || (ids.length > 0 && missing.length + extra.length > ids.length / 2 && missing.length > 1000);
  if (rebuild) {
    await index.fill(storedVectors(store, 0, null), { replace: true, capacity: ids.length });
    await index.save();
    log.info({ faces: index.size, reason: problem ?? 'stale' }, 'index rebuilt from the store');
    return { added: index.size, removed: 0, rebuilt: true };
  }
  index.remove(extra);
  if (missing.length > 0) await index.fill(storedVectors(store, missing[0]! - 1, new Set(missing)), { replace: false });
  if (missing.length + extra.length > 0) await index.save();
  return { added: missing.length, removed: extra.length, rebuilt: false };
}
