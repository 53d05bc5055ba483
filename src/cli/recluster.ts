/**
 * `faceidx recluster`, `faceidx label <person> <name>`, `faceidx merge <a> <b>`,
 * `faceidx not <face> <person>`. With no daemon running they open the index and the clusterer
 * and apply the change at once. While the daemon runs it owns the index and the people, so
 * these commands hand the change to it (src/cli/daemon-request.ts) and wait for its answer;
 * labels are plain store writes and always work.
 */
import type { Command } from 'commander';
import { Clusterer } from '../cluster/index.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { FaceIndex } from '../index/hnsw.js';
import { createLogger } from '../log/logger.js';
import { runningDaemonPid, withContext, type CommandContext } from './context.js';
import { askDaemon } from './daemon-request.js';
import type { RequestKind } from '../store/index.js';
import { addConfigOption, configPath, parsePersonId, printJson, printText, type ConfigOption } from './output.js';

interface Opts extends ConfigOption {
  json?: boolean;
}

/**
 * Applies a change to the people: through the running daemon when there is one (it owns the index
 * and the clusters; the request waits in the store until it answers), else here and now.
 */
async function withClusterer<T>(opts: Opts, request: [RequestKind, Record<string, number>], fn: (c: Clusterer, ctx: CommandContext) => Promise<T>): Promise<T> {
  return withContext(configPath(opts), { readonly: false }, async (ctx) => {
    const dir = ctx.config.storage.dir;
    if (runningDaemonPid(dir) !== undefined) return (await askDaemon(ctx.store, ...request)) as T;
    const log = createLogger({ level: 'warn', pretty: false, destination: process.stderr });
    const index = await FaceIndex.open({ dir, ...ctx.config.index, log });
    await index.syncWithStore(ctx.store);
    const clusterer = await Clusterer.create({ store: ctx.store, index, config: ctx.config.clustering, log });
    const out = await fn(clusterer, ctx);
    await index.save();
    await clusterer.save();
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
      const r = await withClusterer(opts, ['recluster', {}], (c) => c.recluster());
      if (opts.json) printJson(r);
      else printText(`${r.people} people (${r.created} new ids, ${r.retired} retired) in ${r.seconds.toFixed(1)} s`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('label').description('Name a person (an empty name clears it).'))
    .argument('<person>', 'person id', parsePersonId)
    .argument('<name>', 'name')
    .action(async (person: number, name: string, opts: Opts) => {
      await withContext(configPath(opts), { readonly: false }, async ({ store }) => {
        const p = await store.people.resolve(person);
        if (p === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `no person ${person}`, 'list people with faceidx people --all');
        if (name.trim() === '') await store.people.clearLabel(p);
        else await store.people.setLabel(p, name.trim());
        printText(name.trim() === '' ? `person ${p}: label cleared` : `person ${p}: ${name.trim()}`);
      });
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('merge').description('Merge person B into person A (they stay together through every re-cluster).'))
    .argument('<a>', 'person kept', parsePersonId)
    .argument('<b>', 'person merged into A', parsePersonId)
    .action(async (a: number, b: number, opts: Opts) => {
      const { kept } = await withClusterer(opts, ['merge', { a, b }], async (c) => ({ kept: await c.merge(a, b) }));
      printText(`person ${b} merged into ${kept}`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('not').description('Say a face is not this person: it leaves the person for good.'))
    .argument('<face>', 'face id', faceId)
    .argument('<person>', 'person id', parsePersonId)
    .action(async (face: number, person: number, opts: Opts) => {
      const now = await withClusterer(opts, ['not', { face, person }], async (c, { store }) => {
        await c.notPerson(face, person);
        return { person: (await store.people.personOf(face)) ?? null };
      });
      printText(`face ${face} is no longer person ${person} (now person ${now.person})`);
      setExit(ExitCode.OK);
    });
}
