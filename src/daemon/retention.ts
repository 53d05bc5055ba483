/** Forgetting old faces: the store first (source of truth), then the index and the clusters. */
import type { Store } from '../store/index.js';

export interface Forgettable {
  /** Drops faces already deleted from the store from the index and the cluster graph. */
  forgetFaces(ids: number[]): Promise<void>;
}

export async function purgeOlderThan(store: Store, clusters: Forgettable, ts: number): Promise<{ faceIds: number[]; retired: number[] }> {
  const { faceIds, retired } = await store.people.purgeBefore(ts);
  if (faceIds.length > 0) await clusters.forgetFaces(faceIds);
  return { faceIds, retired };
}
