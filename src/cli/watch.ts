/**
 * `faceidx watch add|list|remove`: the watch list. `add` computes the descriptors with the face
 * pipeline of the config (same detector and crop as the daemon) and stores them, not the photos
 * unless --keep-photo. A running daemon notices a change within seconds (src/alerts/service.ts).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { FaceEngine } from '../faces/index.js';
import { cliLogger } from '../faces/cli-support.js';
import { enrolPhotos } from '../alerts/enrol.js';
import { openConfiguredStore } from '../runtime/store-target.js';
import { ensurePrivateDir } from '../runtime/private-files.js';
import { checkWatchName, watchAdd, watchRemove } from '../review/actions.js';
import { busyTimeoutMs, cliActor, reviewOf, runningDaemonPid, withContext } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseIntOption, printJson, printNote, printText, tableTime, type ConfigOption } from './output.js';

interface AddOptions extends ConfigOption {
  face?: number;
  keepPhoto?: boolean;
}

export { checkWatchName } from '../review/actions.js';

async function add(name: string, photos: string[], opts: AddOptions): Promise<string> {
  checkWatchName(name);
  const file = configPath(opts);
  const config = loadConfig(file, { allowMissingEnv: true });
  // The store may be created here (a watch list before the cameras): private before anything lands in it.
  await ensurePrivateDir(config.storage.dir);
  const engine = await FaceEngine.create({
    detector: config.detector,
    inference: config.inference,
    modelDir: config.inference.modelDir ?? join(config.storage.dir, 'models'),
    log: cliLogger(false),
  });
  const descriptors = await enrolPhotos(engine, photos, { maxSide: config.detector.maxImageSide, face: opts.face, keepPhoto: opts.keepPhoto }).finally(() => engine.close());
  // The store is created if the daemon never ran: a watch list may come before the cameras.
  const store = await openConfiguredStore(config, { busyTimeoutMs: busyTimeoutMs() });
  try {
    await watchAdd({ config, store, actor: cliActor() }, name, descriptors);
  } finally {
    await store.close();
  }
  const daemon = config.storage.backend === 'postgres' ? 'the clusterer of the shared store' : runningDaemonPid(config.storage.dir);
  const sources = descriptors.map((d) => d.source).join(', ');
  return `watching "${name}": ${descriptors.length} photo${descriptors.length === 1 ? '' : 's'} (${sources})${opts.keepPhoto ? ', photos kept in the store' : ''}; ${
    typeof daemon === 'string'
      ? `${daemon} compares new tracks with it within seconds`
      : daemon
        ? `the running daemon (pid ${daemon}) compares new tracks with it within seconds`
        : 'the daemon compares new tracks with it once it runs'
  }`;
}

export function registerWatchCommands(program: Command, setExit: (code: number) => void): void {
  const watch = program.command('watch').description('The watch list: people to raise an alert for when a camera sees them (alerts.* settings).');
  addConfigOption(
    watch
      .command('add')
      .description('Enrol a person from one or more photos (one face each); only their descriptors are stored unless --keep-photo.')
      .argument('<name>', 'name shown in alerts')
      .argument('<photo...>', 'JPEG/PNG/WebP photos of the person')
      .option('--face <n>', 'the face to take in photos that show several (1 = leftmost)', parseIntOption('--face'))
      .option('--keep-photo', 'also store the photos themselves in the database'),
  )
    .addHelpText('after', exitCodesHelp([1, 75, 78]))
    .action(async (name: string, photos: string[], opts: AddOptions) => {
      printNote(await add(name, photos, opts));
      setExit(ExitCode.OK);
    });
  addConfigOption(
    watch
      .command('list')
      .description('The enrolled people: name, photos, when added.')
      .option('--json', 'print JSON: [{name, photos, sources, photosKept, created}]'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (opts: ConfigOption & { json?: boolean }) => {
      await withContext(configPath(opts), { readonly: true }, async ({ store }) => {
        const list = await store.watch.list();
        if (opts.json) {
          printJson(list.map((e) => ({ name: e.name, photos: e.descriptors, sources: e.sources, photosKept: e.photosKept, created: isoTime(e.createdAt) })));
        } else if (list.length === 0) {
          printNote('the watch list is empty (faceidx watch add <name> <photo...>)');
        } else {
          printText(formatTable(['NAME', 'PHOTOS', 'FILES', 'ADDED'], list.map((e) => [e.name, String(e.descriptors), e.sources.join(', '), tableTime(e.createdAt)]), { right: [1] }));
        }
      });
      setExit(ExitCode.OK);
    });
  addConfigOption(watch.command('remove').description('Stop watching for a person (their alerts stay).').argument('<name>', 'the name given to watch add'))
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (name: string, opts: ConfigOption) => {
      await withContext(configPath(opts), { readonly: false }, async (ctx) => {
        await watchRemove(reviewOf(ctx), name);
      });
      printNote(`no longer watching "${name}"`);
      setExit(ExitCode.OK);
    });
}
