/**
 * `faceidx store copy --from <sqlite config> --config <postgres config> [--site ID]`: moves an
 * existing SQLite store into an empty shared PostgreSQL store, ids kept (store/copy.ts), with the
 * daemon's index and graph as the clusterer's first checkpoint, so it starts without rebuilding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { CHECKPOINT_FILES } from '../central/checkpoint.js';
import { CentralRepository, PostgresDatabase, SqliteDatabase } from '../store/index.js';
import { copyStore } from '../store/copy.js';
import { runningDaemonPid } from './context.js';
import { addConfigOption, configPath, printJson, printText, type ConfigOption } from './output.js';

interface CopyOpts extends ConfigOption {
  from: string;
  site?: string;
  json?: boolean;
}

async function copy(opts: CopyOpts): Promise<{ site: string; rows: Record<string, number>; checkpoint: boolean; target: string }> {
  const source = loadConfig(opts.from, { checkStorage: false, allowMissingEnv: true });
  const target = loadConfig(configPath(opts), { checkStorage: false });
  if (source.storage.backend !== 'sqlite') throw new FaceidxError('FACEIDX_USAGE', `--from ${opts.from} is not a SQLite store`, 'give --from the config of the daemon whose store you move');
  if (target.storage.backend !== 'postgres') throw new FaceidxError('FACEIDX_USAGE', `--config ${configPath(opts)} is not a PostgreSQL store`, 'give --config a config with storage.backend: postgres');
  const pid = runningDaemonPid(source.storage.dir);
  if (pid !== undefined) throw new FaceidxError('FACEIDX_DB_LOCKED', `a daemon (pid ${pid}) still writes ${source.storage.dir}`, 'stop it first, so the copy is complete');
  const site = opts.site ?? source.site ?? 'local';
  const from = await SqliteDatabase.open(source.storage.dir, { readonly: true });
  try {
    const to = await PostgresDatabase.open(target.storage.postgres!.url, { applicationName: 'faceidx-store-copy' });
    try {
      const { rows } = await copyStore(from, to, site);
      const files = CHECKPOINT_FILES.filter((f) => existsSync(join(source.storage.dir, f)));
      const checkpoint = files.length === CHECKPOINT_FILES.length;
      if (checkpoint) await new CentralRepository(to).saveCheckpoint(files.map((name) => ({ name, data: readFileSync(join(source.storage.dir, name)) })));
      return { site, rows, checkpoint, target: to.where };
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

export function registerStoreCommands(program: Command, setExit: (code: number) => void): void {
  const store = program.command('store').description('Move a store between backends.');
  addConfigOption(
    store
      .command('copy')
      .description('Copy a SQLite store (--from its config) into the empty PostgreSQL store of --config, keeping ids, people, labels, constraints and tracks.')
      .requiredOption('--from <config>', 'the config of the SQLite store to copy (its daemon stopped)')
      .option('--site <id>', "the site the copied cameras and faces belong to (default: the source config's site, else local)")
      .option('--json', 'print {site, rows per table, checkpoint, target} as JSON'),
  ).action(async (opts: CopyOpts) => {
    const r = await copy(opts);
    if (opts.json) printJson(r);
    else {
      const counts = Object.entries(r.rows).map(([t, n]) => `${t} ${n}`).join(', ');
      printText(`copied into ${r.target} as site "${r.site}": ${counts}${r.checkpoint ? '; the index and graph are the clusterer\'s first checkpoint' : ''}`);
    }
    setExit(ExitCode.OK);
  });
}
