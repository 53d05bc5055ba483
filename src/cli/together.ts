/**
 * `faceidx seen-with <id>`: the people seen together with a person (same frame, or the same
 * camera within investigate.seenWithWindow), ranked by how often, with the moments.
 * `faceidx route <id>`: the person's sightings across cameras in time order, as visits.
 * Both read-only (src/investigate over the store); merged ids are followed.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../errors.js';
import { cameraSequence, companionsOf, legPosition, routeOfPerson, type Companion, type Leg } from '../investigate/index.js';
import type { Store } from '../store/index.js';
import { withContext } from './context.js';
import {
  addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseDurationOption, parsePersonId, printJson, printText, shortDuration, tableTime,
  type ConfigOption,
} from './output.js';
import { resolvePerson } from './person.js';

interface WindowOptions extends ConfigOption {
  json?: boolean;
  window?: number;
}

interface GapOptions extends ConfigOption {
  json?: boolean;
  gap?: number;
}

/** A duration that may be 0 (same frame only). */
function parseWindow(value: string): number {
  return value.trim() === '0' ? 0 : parseDurationOption('--window')(value);
}

async function labels(store: Store, ids: readonly number[]): Promise<Map<number, string | null>> {
  const out = new Map<number, string | null>();
  for (const id of ids) out.set(id, (await store.people.label(id)) ?? null);
  return out;
}

export function companionJson(c: Companion, label: string | null) {
  return {
    person: c.personId, label, times: c.moments.length, sameFrames: c.sameFrames, sightings: c.sightings, cameras: c.cameras, first: isoTime(c.first), last: isoTime(c.last),
    moments: c.moments.map((m) => ({ camera: m.camera, start: isoTime(m.start), end: isoTime(m.end), sameFrames: m.sameFrames, sightings: m.sightings, face: m.faceId, otherFace: m.otherFaceId })),
  };
}

function seenWithText(who: string, windowMs: number, companions: readonly Companion[], names: ReadonlyMap<number, string | null>): string {
  const head = `${who} was seen with ${companions.length} ${companions.length === 1 ? 'person' : 'people'} (same camera within ${windowMs === 0 ? 'the same frame' : shortDuration(windowMs)})`;
  if (companions.length === 0) return `${head}\n`;
  const table = formatTable(
    ['PERSON', 'LABEL', 'TIMES', 'SAME FRAMES', 'CAMERAS', 'FIRST', 'LAST'],
    companions.map((c) => [String(c.personId), names.get(c.personId) ?? '-', String(c.moments.length), String(c.sameFrames), c.cameras.join(','), tableTime(c.first), tableTime(c.last)]),
    { right: [0, 2, 3] },
  );
  const moments = companions.flatMap((c) =>
    c.moments.map((m) => `  person ${c.personId}: ${m.camera} ${tableTime(m.start)} to ${tableTime(m.end)}, ${m.sameFrames} frame${m.sameFrames === 1 ? '' : 's'} together (faces ${m.faceId} and ${m.otherFaceId})`),
  );
  return `${head}\n${table}\nmoments:\n${moments.join('\n')}\n`;
}

export function legJson(l: Leg, kind: string | undefined) {
  return {
    camera: l.camera, start: isoTime(l.start), end: isoTime(l.end), faces: l.faces, firstFace: l.firstFaceId, lastFace: l.lastFaceId,
    position: legPosition(kind, l.firstPos), sincePreviousMs: l.sincePrevious, moved: l.moved,
  };
}

function routeText(who: string, legs: readonly Leg[], kinds: ReadonlyMap<string, string>): string {
  const seq = cameraSequence(legs);
  const head = `${who}: ${legs.length} visit${legs.length === 1 ? '' : 's'}${seq.length ? `, route ${seq.join(' -> ')}` : ''}`;
  if (legs.length === 0) return `${head}\n`;
  const table = formatTable(
    ['#', 'CAMERA', 'FROM', 'TO', 'FOR', 'FACES', 'IN FOOTAGE', 'AFTER'],
    legs.map((l, i) => [
      String(i + 1), l.camera, tableTime(l.start), tableTime(l.end), shortDuration(l.end - l.start), String(l.faces), legPosition(kinds.get(l.camera), l.firstPos),
      l.sincePrevious === null ? '-' : l.sincePrevious < 0 ? `overlaps ${shortDuration(-l.sincePrevious)}` : shortDuration(l.sincePrevious),
    ]),
    { right: [0, 5] },
  );
  return `${head}\n${table}\n`;
}

export function registerTogetherCommands(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('seen-with')
      .description('The people seen together with a person: in the same frame, or on the same camera within a window (investigate.seenWithWindow), ranked by how often (moments), with the moments. Times in UTC.')
      .argument('<id>', 'person id (from faceidx people)')
      .addOption(new Option('--window <duration>', 'same camera at most this far apart (0: same frame only); default investigate.seenWithWindow').argParser(parseWindow))
      .option('--json', 'print JSON: {person, label, windowMs, companions: [{person, label, times, sameFrames, sightings, cameras, first, last, moments: [{camera, start, end, sameFrames, sightings, face, otherFace}]}]}'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (idArg: string, opts: WindowOptions) => {
      const id = parsePersonId(idArg);
      await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
        const person = await resolvePerson(store.people, id);
        const windowMs = opts.window ?? config.investigate.seenWithWindow;
        const companions = await companionsOf(store.desk, person.id, windowMs);
        const names = await labels(store, companions.map((c) => c.personId));
        const who = `person ${person.id}${person.label ? ` (${person.label})` : ''}`;
        if (opts.json) printJson({ person: person.id, label: person.label, ...(id !== person.id ? { mergedFrom: id } : {}), windowMs, companions: companions.map((c) => companionJson(c, names.get(c.personId) ?? null)) });
        else printText(seenWithText(who, windowMs, companions, names));
      });
      setExit(ExitCode.OK);
    });
  addConfigOption(
    program
      .command('route')
      .description("A person's route: their sightings across cameras in time order, one line per visit (sightings on a camera less than --gap apart), with the time since the previous visit. Times in UTC.")
      .argument('<id>', 'person id (from faceidx people)')
      .addOption(new Option('--gap <duration>', 'sightings on one camera less than this apart are one visit; default investigate.visitGap').argParser(parseDurationOption('--gap')))
      .option('--json', 'print JSON: {person, label, gapMs, cameras: [camera in the order reached], legs: [{camera, start, end, faces, firstFace, lastFace, position, sincePreviousMs, moved}]}'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (idArg: string, opts: GapOptions) => {
      const id = parsePersonId(idArg);
      await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
        const person = await resolvePerson(store.people, id);
        const gapMs = opts.gap ?? config.investigate.visitGap;
        const legs = await routeOfPerson(store.desk, person.id, gapMs);
        const kinds = new Map((await store.cameras.list()).map((c) => [c.id, c.kind] as const));
        const who = `person ${person.id}${person.label ? ` (${person.label})` : ''}`;
        if (opts.json) printJson({ person: person.id, label: person.label, ...(id !== person.id ? { mergedFrom: id } : {}), gapMs, cameras: cameraSequence(legs), legs: legs.map((l) => legJson(l, kinds.get(l.camera))) });
        else printText(routeText(who, legs, kinds));
      });
      setExit(ExitCode.OK);
    });
}
