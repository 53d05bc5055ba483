/**
 * Erasing faces when no daemon runs and the people core is not opened (`faceidx forget`,
 * `faceidx purge`): the store first, in one transaction (the source of truth), then the faces'
 * vectors are dropped from the index file when it is intact. The kNN graph file catches up the
 * next time the people core opens (faces the index no longer has leave the graph). When the
 * index file is missing or unusable, the vectors go when the core next opens: it rebuilds the
 * index from the store.
 */
import type { Config } from '../config/schema.js';
import { silentLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';

/** What happened to the removed faces' vectors in the HNSW index. */
export type IndexOutcome =
  | { action: 'none' }
  | { action: 'daemon'; pid: number }
  | { action: 'clusterer' }
  | { action: 'removed' }
  | { action: 'next-start'; reason: string };

/** Drops vectors of faces already deleted from the store, from the index file (no daemon running). */
export async function dropVectors(config: Readonly<Config>, faceIds: readonly number[]): Promise<IndexOutcome> {
  if (faceIds.length === 0) return { action: 'none' };
  try {
    // Loaded only here: the other commands never need the native hnswlib module.
    const { FaceIndex } = await import('../index/hnsw.js');
    const { M, efConstruction, ef } = config.index;
    const index = await FaceIndex.open({ dir: config.storage.dir, M, efConstruction, ef, log: silentLogger });
    if (index.loadProblem !== null) {
      // Nothing usable to edit (and saving would write an empty index): the core rebuilds it.
      return { action: 'next-start', reason: `no usable index file: ${index.loadProblem}` };
    }
    index.remove(faceIds);
    await index.save();
    return { action: 'removed' };
  } catch (err) {
    return { action: 'next-start', reason: `the index could not be updated: ${(err as Error).message}` };
  }
}

/** Erases a person's faces (store, then index file); returns the faces erased and what happened in the index. */
export async function forgetOffline(config: Readonly<Config>, store: Store, person: number): Promise<{ faceIds: number[]; index: IndexOutcome }> {
  const faceIds = await store.people.erase(person);
  return { faceIds, index: await dropVectors(config, faceIds) };
}

/** Erases every face seen before `before` (store, then index file). */
export async function purgeOffline(config: Readonly<Config>, store: Store, before: number): Promise<{ faceIds: number[]; retired: number[]; index: IndexOutcome }> {
  const { faceIds, retired } = await store.people.purgeBefore(before);
  return { faceIds, retired, index: await dropVectors(config, faceIds) };
}
