/** `faceidx people`: every person with face count, cameras and first/last sighting (read-only). */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { PersonSummary } from '../store/index.js';
import { withContext } from './context.js';
import {
  addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseIntOption, parseSince, printJson, printNote,
  printText, tableTime, type ConfigOption,
} from './output.js';

export interface PeopleOptions extends ConfigOption {
  json?: boolean;
  minFaces?: number;
  camera?: string;
  since?: string;
  all?: boolean;
  identified?: boolean;
  lowRes?: boolean;
}

export interface PersonJson {
  id: number;
  label: string | null;
  faces: number;
  cameras: string[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Face tracks holding the person's faces (one per pass through a camera). */
  tracks: number;
  /** False: seen only at low resolution (no face good enough to identify; never merged automatically). */
  identified: boolean;
}

export function personJson(p: PersonSummary): PersonJson {
  return { id: p.id, label: p.label, faces: p.faces, cameras: p.cameras, firstSeen: isoTime(p.firstSeen), lastSeen: isoTime(p.lastSeen), tracks: p.tracks, identified: p.identified };
}

export function peopleTable(people: readonly PersonSummary[]): string {
  return formatTable(
    ['ID', 'LABEL', 'FACES', 'TRACKS', 'IDENTIFIED', 'CAMERAS', 'FIRST SEEN', 'LAST SEEN'],
    people.map((p) => [
      String(p.id), p.label ?? '-', String(p.faces), String(p.tracks), p.identified ? 'yes' : 'low-res only',
      p.cameras.join(',') || '-', tableTime(p.firstSeen), tableTime(p.lastSeen),
    ]),
    { right: [0, 2, 3] },
  );
}

/** The smallest face count shown: --min-faces, else 1 with --all, else clustering.minFaces. */
export function effectiveMinFaces(opts: Pick<PeopleOptions, 'minFaces' | 'all'>, configMinFaces: number): number {
  return opts.minFaces ?? (opts.all ? 1 : configMinFaces);
}

export function registerPeopleCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('people')
    .description(
      'List the people seen: id, label, faces, tracks, whether identified, cameras, first and last seen (times in UTC). ' +
        'People seen only at low resolution (no face good enough to identify) are listed as "low-res only": ' +
        'each is one face track, never merged automatically with another.',
    )
    .option('--json', 'print JSON: [{"id","label","faces","cameras","firstSeen","lastSeen","tracks","identified"}] with ISO 8601 times')
    .option('--min-faces <n>', 'only people with at least n faces (default: clustering.minFaces)', parseIntOption('--min-faces'))
    .option('--camera <id>', 'only people seen on this camera (counts still cover every camera)')
    .option('--since <time>', 'only people seen since an ISO time or a duration ago (30m, 2h, 7d)')
    .option('--all', 'include unconfirmed people (fewer faces than clustering.minFaces)')
    .option('--identified', 'only people with a face good enough to identify (and match across cameras)')
    .option('--low-res', 'only people seen only at low resolution (identified: false)');
  addConfigOption(cmd).addHelpText('after', exitCodesHelp([3, 75, 78]));
  cmd.action(async (opts: PeopleOptions) => {
    const since = opts.since === undefined ? undefined : parseSince(opts.since);
    await withContext(configPath(opts), { readonly: true }, async ({ config, store }) => {
      const minFaces = effectiveMinFaces(opts, config.clustering.minFaces);
      const listed = await store.people.list({
        minFaces,
        ...(opts.camera !== undefined ? { camera: opts.camera } : {}),
        ...(since !== undefined ? { since } : {}),
      });
      const people = listed.filter((p) => (opts.identified ? p.identified : true) && (opts.lowRes ? !p.identified : true));
      if (opts.json) {
        printJson(people.map(personJson));
      } else if (people.length === 0) {
        printNote(minFaces > 1 ? `no people with ${minFaces} or more faces (use --all to include unconfirmed people)` : 'no people');
      } else {
        printText(peopleTable(people));
      }
    });
    setExit(ExitCode.OK);
  });
}
