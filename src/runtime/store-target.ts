/**
 * Which store a config names: the SQLite file in storage.dir, or the shared PostgreSQL store
 * (storage.backend: postgres). The daemon and every CLI command open their store through here.
 */
import type { Config } from '../config/schema.js';
import { openStore, type Store, type StoreTarget } from '../store/index.js';

export function storeTargetOf(config: Pick<Config, 'storage'>): Exclude<StoreTarget, string> {
  const { storage } = config;
  if (storage.backend === 'postgres') return { backend: 'postgres', url: storage.postgres!.url };
  return { backend: 'sqlite', dir: storage.dir };
}

export interface ConfiguredOpenOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** PostgreSQL: create or upgrade the tables (only the clusterer does; the CLI never does). */
  migrate?: boolean;
}

/** Opens the config's store. The CLI never migrates the shared store: its role may not be allowed to. */
export function openConfiguredStore(config: Pick<Config, 'storage'>, options: ConfiguredOpenOptions = {}): Promise<Store> {
  const target = storeTargetOf(config);
  return openStore(target, {
    ...options,
    migrate: target.backend === 'postgres' ? (options.migrate ?? false) : undefined,
    applicationName: 'faceidx-cli',
  });
}
