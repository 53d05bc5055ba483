/**
 * "Was this person here?": for each person `faceidx search` lists, where and when they were
 * seen. Sightings are the person's faces oldest first (camera, time, position in the feed:
 * seconds from the start of a file, or the frame number); the table groups them into visits.
 */
import type { Store } from '../store/index.js';
import { groupVisits } from './visits.js';
import { formatTable, isoTime, shortDuration, tableTime } from './output.js';

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

export async function personSightings(store: Store, personId: number, limit: number, gapMs = 300_000): Promise<PersonSightings> {
  const faces = await store.faces.byPerson(personId, { oldestFirst: true, limit: READ_CAP });
  const visits = groupVisits(faces, gapMs).map((v) => ({ camera: v.camera, start: isoTime(v.start), end: isoTime(v.end), faces: v.faces }));
  return {
    sightings: faces.slice(0, limit).map((f) => ({ faceId: f.id, camera: f.cameraId, time: isoTime(f.ts), framePos: f.framePos })),
    sightingsTotal: faces.length,
    visits,
  };
}

/** The visits table printed under a person in `faceidx search`. */
export function sightingsText(personId: number, label: string | null, s: PersonSightings): string {
  const who = `person ${personId}${label ? ` (${label})` : ''}`;
  if (s.visits.length === 0) return `  ${who}: no sightings stored\n`;
  const rows = s.visits.map((v) => {
    const start = v.start === null ? null : Date.parse(v.start);
    const end = v.end === null ? null : Date.parse(v.end);
    return [v.camera, tableTime(start), tableTime(end), start !== null && end !== null ? shortDuration(end - start) : '-', String(v.faces)];
  });
  const table = formatTable(['CAMERA', 'FROM', 'TO', 'FOR', 'FACES'], rows, { right: [3, 4] });
  return `  ${who} was seen:\n${table.replace(/^/gm, '    ').trimEnd()}\n`;
}
