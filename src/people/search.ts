/**
 * Who is this face? The people nearest to a descriptor: every assigned face in the store is
 * compared (exact, Euclidean), and each person counts with their closest face. Needs only the
 * store (read-only is enough), so `faceidx search` works while the daemon runs.
 */
import { euclidean } from '../index/distance.js';
import type { Store } from '../store/index.js';

export interface Match {
  personId: number;
  distance: number;
  faceId: number;
}

/** Keeps, per person, the face closest to the query; then the `top` closest people (pure). */
export class NearestPeople {
  private readonly best = new Map<number, Match>();
  constructor(private readonly query: Float32Array) {}

  offer(faceId: number, personId: number, d: Float32Array): void {
    const distance = euclidean(d, this.query);
    const cur = this.best.get(personId);
    if (!cur || distance < cur.distance) this.best.set(personId, { personId, distance, faceId });
  }

  top(n: number): Match[] {
    return [...this.best.values()].sort((a, b) => a.distance - b.distance).slice(0, n);
  }
}

/** For each query descriptor, the `top` nearest people with their labels (one pass over the store). */
export async function searchPeople(store: Store, queries: readonly Float32Array[], top: number): Promise<Array<Array<Match & { label: string | null }>>> {
  const searches = queries.map((q) => new NearestPeople(q));
  await store.faces.eachAssignedVector((faceId, personId, d) => searches.forEach((s) => s.offer(faceId, personId, d)));
  const out: Array<Array<Match & { label: string | null }>> = [];
  for (const s of searches) {
    const matches = [];
    for (const m of s.top(top)) matches.push({ ...m, label: (await store.people.label(m.personId)) ?? null });
    out.push(matches);
  }
  return out;
}
