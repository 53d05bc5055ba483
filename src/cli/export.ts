/**
 * `faceidx export --format json|csv`: people with their faces, for other programs (read-only).
 * `faceidx export --person <id> --out <dir>`: one person's evidence (frames re-read from the
 * sources, face crops, thumbnails, manifest JSON + CSV with the sources' sha256), src/report/evidence.ts.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { FaceRow, PersonSummary, Store } from '../store/index.js';
import { resolve } from 'node:path';
import { exportEvidence } from '../report/evidence.js';
import { withContext } from './context.js';
import { resolvePerson } from './person.js';
import { addConfigOption, configPath, csvLine, exitCodesHelp, isoTime, parseIntOption, parsePersonId, printNote, usage, writeOutput, writeStdout, type ConfigOption } from './output.js';

export interface ExportOptions extends ConfigOption {
  format: 'json' | 'csv';
  out?: string;
  minFaces: number;
  person?: number;
  force?: boolean;
}

export interface ExportedPerson {
  person: PersonSummary;
  faces: FaceRow[];
}

export const CSV_HEADER = ['face_id', 'camera', 'time', 'x', 'y', 'width', 'height', 'score', 'person_id', 'label'] as const;

export function exportJson(people: readonly ExportedPerson[]): string {
  const out = people.map(({ person, faces }) => ({
    id: person.id,
    label: person.label,
    cameras: person.cameras,
    firstSeen: isoTime(person.firstSeen),
    lastSeen: isoTime(person.lastSeen),
    faces: faces.map((f) => ({
      id: f.id,
      camera: f.cameraId,
      time: isoTime(f.ts),
      box: f.box,
      score: f.score,
      personId: person.id,
      label: person.label,
    })),
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function exportCsv(people: readonly ExportedPerson[]): string {
  let text = csvLine(CSV_HEADER);
  for (const { person, faces } of people) {
    for (const f of faces) {
      text += csvLine([f.id, f.cameraId, isoTime(f.ts), f.box.x, f.box.y, f.box.width, f.box.height, f.score, person.id, person.label]);
    }
  }
  return text;
}

/** Active people with at least `minFaces` faces, by id, each with their faces oldest first. */
export async function collectExport(store: Store, minFaces: number): Promise<ExportedPerson[]> {
  const people = (await store.people.list({ minFaces })).sort((a, b) => a.id - b.id);
  const result: ExportedPerson[] = [];
  for (const person of people) result.push({ person, faces: await store.faces.byPerson(person.id, { oldestFirst: true }) });
  return result;
}

export function registerExportCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('export')
    .description(
      'Export people and their faces. json: [{"id","label","cameras","firstSeen","lastSeen","faces":[{"id","camera","time","box","score","personId","label"}]}]; ' +
        `csv: one row per face with the header ${CSV_HEADER.join(',')}. Times are ISO 8601 (UTC); boxes are in frame pixels.`,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .option('-o, --out <file>', 'write to this file (mode 0600) instead of stdout; with --person: the evidence folder')
    .option('--person <id>', "evidence export of one person into --out <dir>: each sighting's full frame re-read from its source, the face crop, the thumbnail, and manifest.json/manifest.csv (camera, source, sha256, offset, wall time, box, face id, track id)", parsePersonId)
    .option('--force', 'with --person: write into a folder that exists and is not an evidence export (nothing in it is removed or overwritten)')
    .addOption(new Option('--min-faces <n>', 'only people with at least n faces (default: everyone)').argParser(parseIntOption('--min-faces')).default(1));
  addConfigOption(cmd).addHelpText('after', exitCodesHelp([3, 73, 75, 78]));
  cmd.action(async (opts: ExportOptions) => {
    if (opts.person !== undefined) return setExit(await evidence(opts));
    const people = await withContext(configPath(opts), { readonly: true }, ({ store }) => collectExport(store, opts.minFaces));
    const text = opts.format === 'csv' ? exportCsv(people) : exportJson(people);
    if (opts.out === undefined) {
      writeStdout(text);
    } else {
      if (!(await writeOutput(opts.out, text))) return setExit(ExitCode.CANTCREAT);
      const faces = people.reduce((n, p) => n + p.faces.length, 0);
      printNote(`${opts.out}: ${people.length} people, ${faces} faces (${opts.format})`);
    }
    setExit(ExitCode.OK);
  });
}

async function evidence(opts: ExportOptions): Promise<number> {
  if (opts.out === undefined) throw usage('--person needs --out <dir>', 'e.g. faceidx export --person 3 --out ./person-3');
  const out = resolve(opts.out);
  const r = await withContext(configPath(opts), { readonly: true }, async ({ store, config }) => {
    const person = await resolvePerson(store.people, opts.person!);
    return exportEvidence(store, config, person.id, out, opts.force ?? false);
  });
  if (r.changed.length > 0) printNote(`faceidx: kept ${r.changed.length} file(s) of the earlier export that changed since it wrote them: ${r.changed.join(', ')}`);
  for (const file of r.missing) printNote(`faceidx: warning: source missing (moved or deleted since indexing): ${file}; its sightings are in the manifest without frames`);
  printNote(`${opts.out}: person ${r.manifest.person}, ${r.manifest.sightings.length} sightings, ${r.frames} frames re-read from their sources, ${r.missing.length} source(s) missing; manifest.json and manifest.csv`);
  return ExitCode.OK;
}
