/** Pure: a person's sightings grouped into visits (the rule lives in src/investigate/visits.ts). */
import { visitsOf, type SightingLike } from '../investigate/visits.js';

export type { SightingLike } from '../investigate/visits.js';

export interface Visit {
  camera: string;
  start: number;
  end: number;
  faces: number;
}

/** Visits per camera in order of start time (see visitsOf), without their sightings. */
export function groupVisits(sightings: readonly SightingLike[], gapMs: number): Visit[] {
  return visitsOf(sightings, gapMs).map(({ camera, start, end, faces }) => ({ camera, start, end, faces }));
}
