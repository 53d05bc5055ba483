/**
 * "Was this person here?": for each person `faceidx search` lists, where and when they were
 * seen. Sightings are the person's faces oldest first (camera, time, position in the feed:
 * seconds from the start of a file, or the frame number); the table groups them into visits.
 */
import { formatTable, shortDuration, tableTime } from './output.js';
import type { PersonSightings } from '../review/search.js';

export { personSightings, type PersonSightings, type SightingJson } from '../review/search.js';

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
