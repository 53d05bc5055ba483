/**
 * Matching a track against the watch list (pure). A watch entry may hold several photos; the
 * entry's distance is the smallest over them. Entries closer than the threshold match, nearest
 * first.
 */
import { euclidean } from '../index/distance.js';

export interface WatchVector {
  entryId: number;
  name: string;
  descriptor: Float32Array;
}

export interface WatchMatch {
  entryId: number;
  name: string;
  distance: number;
}

export function matchWatchList(descriptor: Float32Array, list: readonly WatchVector[], threshold: number): WatchMatch[] {
  const best = new Map<number, WatchMatch>();
  for (const w of list) {
    const distance = euclidean(descriptor, w.descriptor);
    const cur = best.get(w.entryId);
    if (!cur || distance < cur.distance) best.set(w.entryId, { entryId: w.entryId, name: w.name, distance });
  }
  return [...best.values()].filter((m) => m.distance < threshold).sort((a, b) => a.distance - b.distance);
}
