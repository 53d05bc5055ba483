/** Forgetting old faces: the store first (source of truth), then their vectors in the index. */
import type { Store } from '../store/index.js';

export interface Forgettable {
  remove(ids: number[]): void;
}

export async function purgeOlderThan(store: Store, index: Forgettable, ts: number): Promise<{ faces: number; people: number }> {
  const { faceIds, retired } = await store.people.purgeBefore(ts);
  if (faceIds.length > 0) index.remove(faceIds);
  return { faces: faceIds.length, people: retired.length };
}
