/**
 * `faceidx run` with storage.backend: postgres: a clusterer of the shared store (no cameras; the
 * sites' edge daemons ship the faces). It takes part in the election (src/central/clusterer.ts)
 * until a signal; its own storage.dir holds the pid file, status.json and its copy of the index
 * and graph. systemd sees READY once it runs (leader or standby) and STOPPING at the end.
 */
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { Clusterer } from '../central/clusterer.js';
import { livePid, removePid, writePid, writeStatus } from '../runtime/status-file.js';
import { createNotifier } from './sd-notify.js';
import { installSignals } from './lifecycle.js';

const STATUS_EVERY_MS = 2000;

export async function runClustererDaemon(config: Readonly<Config>, log: Logger): Promise<number> {
  const dir = config.storage.dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const other = livePid(dir);
  if (other !== undefined && other !== process.pid) {
    throw new FaceidxError('FACEIDX_DB_LOCKED', `another faceidx daemon (pid ${other}) uses ${dir}`, 'stop it first, or give this one another storage.dir');
  }
  writePid(dir);
  const startedAt = Date.now();
  const clusterer = new Clusterer({ config, log: log.child({ module: 'cluster' }) });
  let state: 'starting' | 'running' | 'stopping' = 'starting';
  const publish = () => {
    const cluster = clusterer.snapshot();
    try {
      writeStatus(dir, {
        pid: process.pid, startedAt, updatedAt: Date.now(), state, provider: 'none', indexSize: cluster.indexSize,
        faces: { stored: cluster.faces, clusterable: 0, gated: 0, storeErrors: 0 }, frames: { processed: 0, withFaces: 0, static: 0 }, feeds: [], cluster,
      });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not write status.json');
    }
  };
  const timer = setInterval(publish, STATUS_EVERY_MS).unref();
  const notifier = createNotifier(log);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const signals = installSignals({ deadlineMs: config.shutdown.deadline, log, onStop: () => stop(), onReload: () => log.warn('SIGHUP: a clusterer reloads nothing; restart it to apply a new config') });
  state = 'running';
  publish();
  notifier.ready();
  log.info({ store: clusterer.status.where }, 'faceidx clusterer is running');
  await clusterer.run(stopped);
  state = 'stopping';
  notifier.stopping();
  clearInterval(timer);
  publish();
  removePid(dir);
  signals.dispose();
  log.info('stopped');
  await notifier.flush();
  log.flush?.();
  return ExitCode.OK;
}
