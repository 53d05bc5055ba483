/**
 * What a CLI command works on: the loaded config and the store it names. Read commands open the
 * database read-only (safe while the daemon runs: WAL lets readers and the daemon's writer work
 * together); write commands open it read-write but never create a missing database.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { FaceidxError } from '../errors.js';
import { DB_FILE, type Store } from '../store/index.js';
import { openConfiguredStore } from '../runtime/store-target.js';
import { runningDaemonPid } from '../review/change.js';
import type { ReviewContext } from '../review/actions.js';

export { PID_FILE, parsePidFile } from '../runtime/status-file.js';

export interface CommandContext {
  config: Readonly<Config>;
  store: Store;
}

export interface ContextOptions {
  /** Open the database read-only (default true). */
  readonly?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Busy timeout for the CLI: $FACEIDX_BUSY_TIMEOUT_MS, else 5 s (then FACEIDX_DB_LOCKED, exit 75). */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['FACEIDX_BUSY_TIMEOUT_MS'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 5000;
}

/** Loads the config and opens its store. Throws ConfigError (78), FACEIDX_DB_MISSING (3), FACEIDX_DB_LOCKED (75). */
export async function openContext(configFile: string, options: ContextOptions = {}): Promise<CommandContext> {
  const readonly = options.readonly ?? true;
  const env = options.env ?? process.env;
  // Readers need no write access to storage.dir (e.g. a user in the faceidx group).
  const config = loadConfig(configFile, { env, checkStorage: !readonly, allowMissingEnv: true });
  const dir = config.storage.dir;
  if (config.storage.backend === 'sqlite' && !readonly && !existsSync(join(dir, DB_FILE))) {
    throw new FaceidxError(
      'FACEIDX_DB_MISSING',
      `no faceidx database at ${join(dir, DB_FILE)}`,
      'start the daemon with this config first (faceidx run --config <file>), or pass the --config the daemon uses',
    );
  }
  const store = await openConfiguredStore(config, { readonly, busyTimeoutMs: busyTimeoutMs(env) });
  return { config, store };
}

/** Runs `fn` with an open context and always closes the store. */
export async function withContext<T>(configFile: string, options: ContextOptions, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(configFile, options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close().catch(() => undefined);
  }
}

export { runningDaemonPid };

/** Who runs this command, as the audit log names them: cli:<system user>. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The review actions' context for a command (src/review): the open store, acting as this system user. */
export function reviewOf(ctx: CommandContext): ReviewContext {
  return { config: ctx.config, store: ctx.store, actor: cliActor() };
}
