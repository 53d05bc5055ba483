/**
 * Search by photo, one implementation for `faceidx search` and the review page: every face in
 * the photo goes through the configured face pipeline, then the nearest people in the store
 * (people/search.ts) with where and when each was seen.
 */
import type { Config } from '../config/schema.js';
import { loadImage, type FaceEngine, type Rect } from '../faces/index.js';
import { searchPeople, type Match } from '../people/search.js';
import type { Store } from '../store/index.js';
import { visitsOf } from '../investigate/visits.js';

export interface SightingJson {
  faceId: number;
  camera: string;
  time: string | null;
  framePos: number;
}

export interface PersonSightings {
  /** Every sighting of the person, oldest first, up to the limit. */
  sightings: SightingJson[];
  /** How many sightings the person has in all. */
  sightingsTotal: number;
  /** Visits: sightings on one camera less than `gapMs` apart, over every sighting read. */
  visits: Array<{ camera: string; start: string | null; end: string | null; faces: number }>;
}

/** Longest run of faces read per person (a person seen for days still answers quickly). */
const READ_CAP = 20_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** "Was this person here?": a person's sightings (oldest first, up to `limit`) and visits. */
export async function personSightings(store: Store, personId: number, limit: number, gapMs = 300_000): Promise<PersonSightings> {
  const faces = await store.faces.byPerson(personId, { oldestFirst: true, limit: READ_CAP });
  const visits = visitsOf(faces, gapMs).map((v) => ({ camera: v.camera, start: iso(v.start), end: iso(v.end), faces: v.faces }));
  return {
    sightings: faces.slice(0, limit).map((f) => ({ faceId: f.id, camera: f.cameraId, time: iso(f.ts), framePos: f.framePos })),
    sightingsTotal: faces.length,
    visits,
  };
}

export type SearchMatch = Match & { label: string | null } & PersonSightings;

export interface PhotoSearch {
  threshold: number;
  faces: Array<{ box: Rect; score: number; matches: SearchMatch[] }>;
}

export async function searchPhoto(
  deps: { config: Readonly<Config>; store: Store; engine: Pick<FaceEngine, 'analyze'> },
  file: string,
  opts: { top: number; sightings: number },
): Promise<PhotoSearch> {
  const { config, store, engine } = deps;
  const img = await loadImage(file, { maxSide: config.detector.maxImageSide });
  const faces = await engine.analyze(img);
  const found = await searchPeople(store, faces.map((f) => f.descriptor), opts.top);
  const result: PhotoSearch['faces'] = [];
  for (const [i, f] of faces.entries()) {
    const matches: SearchMatch[] = [];
    for (const m of found[i]!) matches.push({ ...m, ...(await personSightings(store, m.personId, opts.sightings)) });
    const s = img.scale;
    result.push({ box: { x: f.box.x / s, y: f.box.y / s, width: f.box.width / s, height: f.box.height / s }, score: f.score, matches });
  }
  return { threshold: config.clustering.threshold, faces: result };
}
