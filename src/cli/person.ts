/** `faceidx person <id>`: one person's visits per camera (read-only; merged ids are followed). */
import { Option, type Command } from 'commander';
import { ExitCode } from '../errors.js';
import { unknownPerson } from '../review/actions.js';
import type { PeopleRepository, PersonSummary, TrackRow } from '../store/index.js';
import { withContext } from './context.js';
import {
  addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseDurationOption, parsePersonId, printJson, printText,
  shortDuration, tableTime, type ConfigOption,
} from './output.js';
import { personJson, type PersonJson } from './people.js';
import { groupVisits, type Visit } from './visits.js';

export interface PersonOptions extends ConfigOption {
  json?: boolean;
  gap: number;
}

export { unknownPerson } from '../review/actions.js';

/** The active person an id stands for (following merges); throws FACEIDX_NOT_FOUND (exit 3). */
export async function resolvePerson(people: PeopleRepository, id: number): Promise<PersonSummary> {
  const target = await people.resolve(id);
  const person = target === undefined ? undefined : await people.get(target);
  if (!person) throw unknownPerson(id);
  return person;
}

export interface TrackJson {
  id: number;
  camera: string;
  from: string | null;
  to: string | null;
  /** The person's faces in the track. */
  faces: number;
  identifiable: boolean;
}

export interface PersonReport extends Omit<PersonJson, 'tracks'> {
  /** The id asked for when it was merged into this one. */
  mergedFrom?: number;
  visits: Array<{ camera: string; start: string | null; end: string | null; faces: number }>;
  /** Per camera: which clock the times come from (creation_time | startTime | mtime | receive). */
  timeSources: Record<string, string | null>;
  /** The face tracks holding the person's faces, per camera in time order. */
  tracks: TrackJson[];
}

/** What `person` shows besides the person and the visits. */
export interface PersonExtras {
  timeSources?: Record<string, string | null>;
  tracks?: readonly TrackRow[];
}

export function personReport(person: PersonSummary, visits: readonly Visit[], requested: number, { timeSources = {}, tracks = [] }: PersonExtras = {}): PersonReport {
  return {
    ...personJson(person),
    ...(requested !== person.id ? { mergedFrom: requested } : {}),
    timeSources,
    visits: visits.map((v) => ({ camera: v.camera, start: isoTime(v.start), end: isoTime(v.end), faces: v.faces })),
    tracks: tracks.map((t) => ({ id: t.id, camera: t.cameraId, from: isoTime(t.firstTs), to: isoTime(t.lastTs), faces: t.faces, identifiable: t.identifiable })),
  };
}

export function personText(person: PersonSummary, visits: readonly Visit[], requested: number, { timeSources = {}, tracks = [] }: PersonExtras = {}): string {
  const lines: string[] = [];
  if (requested !== person.id) lines.push(`person ${requested} was merged into person ${person.id}; showing ${person.id}`);
  lines.push(
    `person ${person.id}${person.label ? ` (${person.label})` : ''}: ${person.faces} face${person.faces === 1 ? '' : 's'}, ` +
      `${visits.length} visit${visits.length === 1 ? '' : 's'}, cameras ${person.cameras.join(', ') || '-'}`,
    `first seen ${tableTime(person.firstSeen)}, last seen ${tableTime(person.lastSeen)}`,
  );
  const clocks = Object.entries(timeSources).map(([cam, src]) => `${cam} ${src ?? 'unknown'}`);
  if (clocks.length > 0) lines.push(`times from: ${clocks.join(', ')}`);
  lines.push('');
  const table = formatTable(
    ['CAMERA', 'START', 'END', 'LENGTH', 'FACES'],
    visits.map((v) => [v.camera, tableTime(v.start), tableTime(v.end), shortDuration(v.end - v.start), String(v.faces)]),
    { right: [3, 4] },
  );
  if (tracks.length === 0) return `${lines.join('\n')}\n${table}`;
  const trackTable = formatTable(
    ['TRACK', 'CAMERA', 'FROM', 'TO', 'FACES'],
    tracks.map((t) => [String(t.id), t.cameraId, tableTime(t.firstTs), tableTime(t.lastTs), String(t.faces)]),
    { right: [0, 4] },
  );
  return `${lines.join('\n')}\n${table}\n${tracks.length} track${tracks.length === 1 ? '' : 's'}:\n${trackTable}`;
}

export function registerPersonCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('person')
    .description("Show one person's sightings grouped into visits per camera, and the face tracks holding them (times in UTC). A merged id shows the person it was merged into.")
    .argument('<id>', 'person id (from faceidx people)')
    .option('--json', 'print JSON: the person (as in faceidx people --json) plus "visits": [{"camera","start","end","faces"}], "timeSources": {camera: "creation_time"|"startTime"|"mtime"|"receive"} and "tracks": [{"id","camera","from","to","faces","identifiable"}]')
    .addOption(
      new Option('--gap <duration>', 'sightings on one camera less than this apart form one visit')
        .argParser(parseDurationOption('--gap'))
        .default(300_000, '5m'),
    );
  addConfigOption(cmd).addHelpText('after', exitCodesHelp([3, 75, 78]));
  cmd.action(async (idArg: string, opts: PersonOptions) => {
    const id = parsePersonId(idArg);
    await withContext(configPath(opts), { readonly: true }, async ({ store }) => {
      const person = await resolvePerson(store.people, id);
      const visits = groupVisits(await store.people.sightings(person.id), opts.gap);
      const cams = new Map((await store.cameras.list()).map((c) => [c.id, c.timeSource] as const));
      const extras = { timeSources: Object.fromEntries(person.cameras.map((c) => [c, cams.get(c) ?? null])), tracks: await store.tracks.byPerson(person.id) };
      if (opts.json) printJson(personReport(person, visits, id, extras));
      else printText(personText(person, visits, id, extras));
    });
    setExit(ExitCode.OK);
  });
}
