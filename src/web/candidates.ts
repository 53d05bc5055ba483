/**
 * Candidate merges for one person: the people nearest to their best faces. A shortlist from the
 * exact nearest-person search over the store (people/search.ts, as `faceidx search` does), then
 * each candidate scored as the report does (report/neighbours.ts): the mean distance over all
 * pairs of the two people's sample faces (same person on two cameras measured 0.43-0.45 on the
 * sample clips, different people 0.65-0.8).
 */
import { searchPeople } from '../people/search.js';
import { meanPairDistance } from '../report/neighbours.js';
import type { Store } from '../store/index.js';
import { ReportReader } from '../store/report.js';

const SAMPLES = 8;

async function samples(store: Store, reader: ReportReader, personId: number): Promise<Float32Array[]> {
  const ids = await store.desk.sampleFaces(personId, SAMPLES);
  const vectors = await reader.descriptors(ids);
  return ids.flatMap((id) => (vectors.has(id) ? [vectors.get(id)!] : []));
}

export async function candidateMerges(store: Store, personId: number, k = 5): Promise<Array<{ personId: number; distance: number }>> {
  const reader = new ReportReader(store.db);
  const mine = await samples(store, reader, personId);
  if (mine.length === 0) return [];
  const found = await searchPeople(store, mine, k + 1);
  const ids = [...new Set(found.flat().map((m) => m.personId))].filter((id) => id !== personId);
  const scored: Array<{ personId: number; distance: number }> = [];
  for (const id of ids) {
    const theirs = await samples(store, reader, id);
    if (theirs.length > 0) scored.push({ personId: id, distance: meanPairDistance(mine, theirs) });
  }
  return scored.sort((a, b) => a.distance - b.distance || a.personId - b.personId).slice(0, k);
}
