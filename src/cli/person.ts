/** `faceidx person <id>`: one person's visits per camera (read-only; merged ids are followed). */
import { Option, type Command } from 'commander';
import { ExitCode, FaceidxError } from '../errors.js';
import type { PeopleRepository, PersonSummary } from '../store/index.js';
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

export function unknownPerson(id: number): FaceidxError {
  return new FaceidxError('FACEIDX_NOT_FOUND', `no person ${id}: list people with faceidx people --all`);
}

/** The active person an id stands for (following merges); throws FACEIDX_NOT_FOUND (exit 3). */
export async function resolvePerson(people: PeopleRepository, id: number): Promise<PersonSummary> {
  const target = await people.resolve(id);
  const person = target === undefined ? undefined : await people.get(target);
  if (!person) throw unknownPerson(id);
  return person;
}

export interface PersonReport extends PersonJson {
  /** The id asked for when it was merged into this one. */
  mergedFrom?: number;
  visits: Array<{ camera: string; start: string | null; end: string | null; faces: number }>;
  /** Per camera: which clock the times come from (creation_time | startTime | mtime | receive). */
  timeSources: Record<string, string | null>;
}

export function personReport(person: PersonSummary, visits: readonly Visit[], requested: number, timeSources: Record<string, string | null> = {}): PersonReport {
  return {
    ...personJson(person),
    ...(requested !== person.id ? { mergedFrom: requested } : {}),
    timeSources,
    visits: visits.map((v) => ({ camera: v.camera, start: isoTime(v.start), end: isoTime(v.end), faces: v.faces })),
  };
}

export function personText(person: PersonSummary, visits: readonly Visit[], requested: number, timeSources: Record<string, string | null> = {}): string {
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
  return `${lines.join('\n')}\n${table}`;
}

export function registerPersonCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('person')
    .description("Show one person's sightings grouped into visits per camera (times in UTC). A merged id shows the person it was merged into.")
    .argument('<id>', 'person id (from faceidx people)')
    .option('--json', 'print JSON: the person (as in faceidx people --json) plus "visits": [{"camera","start","end","faces"}] and "timeSources": {camera: "creation_time"|"startTime"|"mtime"|"receive"}')
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
      const clocks = Object.fromEntries(person.cameras.map((c) => [c, cams.get(c) ?? null]));
      if (opts.json) printJson(personReport(person, visits, id, clocks));
      else printText(personText(person, visits, id, clocks));
    });
    setExit(ExitCode.OK);
  });
}
