/**
 * `faceidx forget <id>` and `faceidx purge --older-than <duration>`: erase faces for good.
 *
 * The database is the source of truth and is changed in one transaction (faces rows with their
 * descriptors and thumbnails; assignments and constraints cascade; labels go; emptied ids are
 * retired). While the daemon runs it owns the people core (index, graph): the erasure is handed
 * to it (src/runtime/protocol.ts) and it erases and forgets in one step. With no daemon running
 * (no live pid in `<storage.dir>/faceidx.pid`), the people core's offline path erases in the
 * store and drops the vectors from an intact index file (src/people/offline.ts).
 */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { purgeOffline, type IndexOutcome } from '../people/offline.js';
import { forget as forgetPerson, indexOwner } from '../review/actions.js';
import { askDaemon } from '../review/daemon-request.js';
import { reviewOf, runningDaemonPid, withContext } from './context.js';
import {
  addConfigOption, configPath, exitCodesHelp, isoTime, parseDurationOption, parsePersonId, printJson, printText, tableTime,
  type ConfigOption,
} from './output.js';

export type { IndexOutcome } from '../people/offline.js';

export function indexNote(outcome: IndexOutcome): string {
  switch (outcome.action) {
    case 'none':
      return 'index: nothing to remove';
    case 'daemon':
      return `index: the running daemon (pid ${outcome.pid}) erased them and dropped their vectors`;
    case 'clusterer':
      return 'index: the clusterer of the shared store erased them and dropped their vectors';
    case 'removed':
      return 'index: vectors removed';
    case 'next-start':
      return `index: vectors are dropped when the daemon next starts (${outcome.reason})`;
  }
}

interface JsonOption extends ConfigOption {
  json?: boolean;
}

export function registerForgetCommands(program: Command, setExit: (code: number) => void): void {
  const forget = program
    .command('forget')
    .description(
      "Erase a person: their faces (descriptors, thumbnails), label and id, for good. No confirmation is asked; prints what was removed. " +
        'The HNSW vectors are dropped by the running daemon, or by this command when no daemon runs.',
    )
    .argument('<id>', 'person id (from faceidx people --all)')
    .option('--json', 'print JSON: {"person","faces","faceIds","index"}');
  addConfigOption(forget).addHelpText('after', exitCodesHelp([3, 75, 78]));
  forget.action(async (idArg: string, opts: JsonOption) => {
    const id = parsePersonId(idArg);
    await withContext(configPath(opts), { readonly: false }, async (ctx) => {
      const { faceIds, index, label } = await forgetPerson(reviewOf(ctx), id);
      if (opts.json) printJson({ person: id, label, faces: faceIds.length, faceIds, index });
      else printText(`forgot person ${id}${label ? ` (${label})` : ''}: ${faceIds.length} face${faceIds.length === 1 ? '' : 's'} erased, id retired\n${indexNote(index)}`);
    });
    setExit(ExitCode.OK);
  });

  const purge = program
    .command('purge')
    .description('Erase every face seen longer ago than a duration; people left without faces are retired. No confirmation is asked.')
    .requiredOption('--older-than <duration>', 'e.g. 30d, 12h, 2w', parseDurationOption('--older-than'))
    .option('--json', 'print JSON: {"before","faces","retired","index"}');
  addConfigOption(purge).addHelpText('after', exitCodesHelp([3, 75, 78]));
  purge.action(async (opts: JsonOption & { olderThan: number }) => {
    const before = Date.now() - opts.olderThan;
    await withContext(configPath(opts), { readonly: false }, async (ctx) => {
      const { config, store } = ctx;
      const owner = indexOwner(reviewOf(ctx));
      const { faceIds, retired, index }: { faceIds: number[]; retired: number[]; index: IndexOutcome } =
        owner === undefined ? await purgeOffline(config, store, before) : { ...(await askDaemon(store, { kind: 'purge', args: { before } })), index: owner };
      if (opts.json) printJson({ before: isoTime(before), faces: faceIds.length, retired, index });
      else {
        printText(
          `purged ${faceIds.length} face${faceIds.length === 1 ? '' : 's'} seen before ${tableTime(before)}; ` +
            `${retired.length === 0 ? 'no people retired' : `retired people: ${retired.join(', ')}`}\n${indexNote(index)}`,
        );
      }
    });
    setExit(ExitCode.OK);
  });
}
