/**
 * Investigating a person: who was seen with them (seen-with.ts) and their route across cameras
 * (route.ts), fed from any source of sightings: the store (the CLI, the review page) or the
 * faces a report already holds in memory (`MemorySightings`).
 */
import { routeOf, type Leg } from './route.js';
import { searchRanges, seenWith, type Companion, type Sighting } from './seen-with.js';

export { routeOf, cameraSequence, legPosition, type Leg, type RouteSighting } from './route.js';
export { seenWith, searchRanges, type Companion, type Moment, type Sighting } from './seen-with.js';
export { visitsOf, type VisitOf, type SightingLike } from './visits.js';

export interface FullSighting extends Sighting {
  framePos: number;
}

/** Where sightings come from (the store's DeskReader has this shape). */
export interface SightingSource {
  sightingsOf(personId: number): Promise<FullSighting[]>;
  othersOnCamera(cameraId: string, from: number, to: number, exceptPerson: number): Promise<Sighting[]>;
}

/** The people seen with a person, ranked (seen-with.ts). */
export async function companionsOf(source: SightingSource, personId: number, windowMs: number): Promise<Companion[]> {
  const mine = await source.sightingsOf(personId);
  const others: Sighting[] = [];
  for (const r of searchRanges(mine, windowMs)) others.push(...(await source.othersOnCamera(r.camera, r.from, r.to, personId)));
  return seenWith(mine, others, windowMs);
}

/** A person's route (route.ts). */
export async function routeOfPerson(source: SightingSource, personId: number, gapMs: number): Promise<Leg[]> {
  return routeOf(await source.sightingsOf(personId), gapMs);
}

/** Sightings held in memory (the report's faces), indexed per person and per camera by time. */
export class MemorySightings implements SightingSource {
  private readonly byPerson = new Map<number, FullSighting[]>();
  private readonly byCamera = new Map<string, FullSighting[]>();

  constructor(sightings: Iterable<FullSighting>) {
    for (const s of sightings) {
      (this.byPerson.get(s.personId) ?? this.byPerson.set(s.personId, []).get(s.personId)!).push(s);
      (this.byCamera.get(s.cameraId) ?? this.byCamera.set(s.cameraId, []).get(s.cameraId)!).push(s);
    }
    for (const list of [...this.byPerson.values(), ...this.byCamera.values()]) list.sort((a, b) => a.ts - b.ts || a.faceId - b.faceId);
  }

  async sightingsOf(personId: number): Promise<FullSighting[]> {
    return this.byPerson.get(personId) ?? [];
  }

  async othersOnCamera(cameraId: string, from: number, to: number, exceptPerson: number): Promise<Sighting[]> {
    const list = this.byCamera.get(cameraId) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.ts < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Sighting[] = [];
    for (let i = lo; i < list.length && list[i]!.ts <= to; i++) if (list[i]!.personId !== exceptPerson) out.push(list[i]!);
    return out;
  }
}
