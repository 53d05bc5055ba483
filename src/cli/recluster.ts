/**
 * `faceidx recluster`, `faceidx label <person> <name>`, `faceidx merge <a> <b>`,
 * `faceidx not <face> <person>`. With no daemon running they open the people core (src/people)
 * and apply the change at once. While the daemon runs it owns the index and the people, so
 * these commands hand the change to it (src/cli/daemon-request.ts) and wait for its answer;
 * labels are plain store writes and always work.
 */
import type { Command } from 'commander';
import { ExitCode, FaceidxError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { applyRequest, labelPerson, openPeople } from '../people/index.js';
import type { RequestKind, RequestOf, ResultOf } from '../runtime/protocol.js';
import { changesGoToDaemon, withContext } from './context.js';
import { askDaemon } from './daemon-request.js';
import { addConfigOption, configPath, parsePersonId, printJson, printText, type ConfigOption } from './output.js';

interface Opts extends ConfigOption {
  json?: boolean;
}

/**
 * Applies a change to the people: through the running daemon when there is one (it owns the
 * people core; the request waits in the store until it answers), else here and now, through
 * the people core opened on the same storage folder.
 */
async function change<K extends RequestKind>(opts: Opts, request: RequestOf<K>): Promise<ResultOf<K>> {
  return withContext(configPath(opts), { readonly: false }, async ({ config, store }) => {
    if (changesGoToDaemon(config)) return askDaemon(store, request);
    const log = createLogger({ level: 'warn', pretty: false, destination: process.stderr });
    const people = await openPeople({ config, store, log });
    const out = await applyRequest(people, request);
    await people.save();
    return out;
  });
}

const faceId = (v: string): number => {
  if (!/^\d+$/.test(v.trim())) throw new FaceidxError('FACEIDX_USAGE', `"${v}" is not a face id`, 'give the face id shown by faceidx person <id>');
  return Number(v);
};

export function registerClusterCommands(program: Command, setExit: (code: number) => void): void {
  addConfigOption(program.command('recluster').description('Full re-cluster of every clusterable face; person ids, labels and constraints survive.'))
    .option('--json', 'print {people, created, retired, seconds} as JSON')
    .action(async (opts: Opts) => {
      const r = await change(opts, { kind: 'recluster', args: {} });
      if (opts.json) printJson(r);
      else printText(`${r.people} people (${r.created} new ids, ${r.retired} retired) in ${r.seconds.toFixed(1)} s`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('label').description('Name a person (an empty name clears it).'))
    .argument('<person>', 'person id', parsePersonId)
    .argument('<name>', 'name')
    .action(async (person: number, name: string, opts: Opts) => {
      await withContext(configPath(opts), { readonly: false }, async ({ config, store }) => {
        // On the shared store the clusterer writes every change; on SQLite a label is a plain write.
        const r = config.storage.backend === 'postgres' ? await askDaemon(store, { kind: 'label', args: { person, name } }) : await labelPerson(store, person, name);
        printText(r.label === null ? `person ${r.person}: label cleared` : `person ${r.person}: ${r.label}`);
      });
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('merge').description('Merge person B into person A (they stay together through every re-cluster).'))
    .argument('<a>', 'person kept', parsePersonId)
    .argument('<b>', 'person merged into A', parsePersonId)
    .action(async (a: number, b: number, opts: Opts) => {
      const { kept } = await change(opts, { kind: 'merge', args: { a, b } });
      printText(`person ${b} merged into ${kept}`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('not').description('Say a face is not this person: it leaves the person for good.'))
    .argument('<face>', 'face id', faceId)
    .argument('<person>', 'person id', parsePersonId)
    .action(async (face: number, person: number, opts: Opts) => {
      const now = await change(opts, { kind: 'not', args: { face, person } });
      printText(`face ${face} is no longer person ${person} (now person ${now.person})`);
      setExit(ExitCode.OK);
    });
}
