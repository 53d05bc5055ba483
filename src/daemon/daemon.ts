/**
 * The composition root: the only module that knows the whole order of the data flow.
 *   feed (ffmpeg -> frames) -> faces (detect -> landmarks -> align -> embed, quality gate)
 *   -> store (SQLite) -> people (src/people: HNSW index + incremental Chinese whispers)
 * plus the daemon's life: pid file, status file, systemd notifications, signals, reload,
 * scheduled re-clusters and retention.
 */
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { createLogger, type Logger } from '../log/logger.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { openStore, type Store } from '../store/index.js';
import { FaceEngine, FacePool } from '../faces/index.js';
import { openPeople, type People } from '../people/index.js';
import { isClusterable, qualityScore } from '../faces/quality.js';
import { createNotifier } from './sd-notify.js';
import { Pipeline } from './pipeline.js';
import { CameraRunner } from './cameras.js';
import { SHIP_AT_BATCH_END_MS, UNTIL_DONE_RETRIES } from '../runtime/limits.js';
import { failureSummary } from './until-done.js';
import { installSignals } from './lifecycle.js';
import { diffCameras, sectionsNeedingRestart } from './reload.js';
import { livePid, removePid, writePid, writeStatus, type DaemonStatus } from '../runtime/status-file.js';
import { startRequestWorker } from './requests.js';
import { AlertService } from '../alerts/service.js';
import { trackUpdates } from './track-alerts.js';
import { Shipper } from '../central/shipper.js';

export interface DaemonOptions {
  configPath: string;
  /** Exit once every finite feed has ended and its frames are stored. */
  untilDone?: boolean;
  logLevel?: Config['logging']['level'];
}

interface Parts {
  config: Readonly<Config>;
  log: Logger;
  store: Store;
  engine: FaceEngine | FacePool;
  people: People;
  pipeline: Pipeline;
  runner: CameraRunner;
  /** Watch list and alert delivery; the pipeline reports track updates to `alerts.onTrackUpdate`. */
  alerts: AlertService;
  /** An edge of a shared store: ships the faces stored here (config `central:`). */
  shipper: Shipper | undefined;
}

const STATUS_EVERY_MS = 2000;

/** Runs the daemon until a signal (or, with untilDone, the end of every finite feed). Resolves to the exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const config = loadConfig(opts.configPath);
  const log = createLogger({ level: opts.logLevel ?? config.logging.level });
  if (config.storage.backend === 'postgres') {
    const { runClustererDaemon } = await import('./clusterer-daemon.js');
    return runClustererDaemon(config, log);
  }
  const parts = await assemble(config, log);
  const startedAt = Date.now();
  let state: DaemonStatus['state'] = 'starting';
  let current = config;
  const notifier = createNotifier(log);

  const publish = () => writeStatusSafely(parts, startedAt, state);
  const statusTimer = setInterval(publish, STATUS_EVERY_MS).unref();
  const wd = notifier.watchdogIntervalMs();
  const watchdogTimer = wd ? startWatchdog(parts, wd, () => notifier.watchdog()) : undefined;
  const timers = scheduleMaintenance(parts);
  const requests = startRequestWorker({
    store: parts.store,
    people: parts.people,
    serialised: (fn) => parts.pipeline.changePeople(fn),
    log: log.child({ module: 'requests' }),
  });

  const step: StopStep = { name: 'answering requests from the CLI' };
  let stop!: (why: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const signals = installSignals({
    deadlineMs: config.shutdown.deadline,
    log,
    onStop: (signal) => stop(signal),
    pending: () => [step.name, ...parts.runner.stopsPending()].join('; '),
    onReload: () => {
      void reload(parts, current, opts.configPath).then((next) => (current = next));
    },
  });

  if (opts.untilDone) parts.runner.setRetryLimit(UNTIL_DONE_RETRIES);
  for (const cam of config.cameras.filter((c) => c.enabled)) await parts.runner.start(cam);
  state = 'running';
  publish();
  notifier.ready();
  log.info({ cameras: parts.runner.ids(), provider: parts.engine.provider, indexSize: parts.people.size }, 'faceidx is running');

  const why = await Promise.race([stopped, opts.untilDone ? parts.runner.finiteEnded().then(() => 'done') : new Promise<string>(() => {})]);
  state = 'stopping';
  notifier.stopping();
  publish();
  log.info({ reason: why }, 'shutting down');
  await requests.stop();
  // A batch run ends with one full re-cluster, so its people are those of the batch rule
  // (linkage merges of one person's tracks on several cameras included), not the live approximation.
  if (why === 'done') {
    step.name = 'the batch run\'s final re-cluster';
    await parts.runner.stopAll().then(() => parts.pipeline.drain()).then(() => parts.pipeline.serialised(() => parts.people.recluster()));
  }
  const unshipped = await shutdown(parts, why === 'done', step);
  for (const t of [statusTimer, watchdogTimer, ...timers]) if (t) clearInterval(t);
  publish();
  removePid(config.storage.dir);
  signals.dispose();
  const failed = why === 'done' ? parts.runner.failedFeeds() : [];
  if (failed.length > 0) log.warn({ cameras: failed.map((s) => s.cameraId) }, 'some feeds ended in error');
  log.info('stopped');
  await notifier.flush();
  log.flush?.();
  for (const line of failureSummary(failed, parts.runner.ids().length)) process.stderr.write(`${line}\n`);
  if (failed.length > 0) return ExitCode.NOINPUT;
  if (unshipped > 0) {
    process.stderr.write(`faceidx: ${unshipped} faces are not shipped to the central store (unreachable); they stay in the local store and ship at the next start\n`);
    return ExitCode.TEMPFAIL;
  }
  return ExitCode.OK;
}

/** Opens every stage in data-flow order. */
async function assemble(config: Readonly<Config>, log: Logger): Promise<Parts> {
  const dir = config.storage.dir;
  const store = await openStore(dir);
  const other = livePid(dir);
  if (other !== undefined && other !== process.pid) {
    await store.close();
    throw new FaceidxError('FACEIDX_DB_LOCKED', `another faceidx daemon (pid ${other}) uses ${dir}`, 'stop it first, or give this one another storage.dir');
  }
  writePid(dir);
  try {
    return await assembleStages(config, log, store);
  } catch (err) {
    removePid(dir);
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function assembleStages(config: Readonly<Config>, log: Logger, store: Store): Promise<Parts> {
  const dir = config.storage.dir;
  const cutTracks = await store.tracks.openStarts(); // files resume there: the tracker follows the cut tracks again
  const interrupted = await store.tracks.closeOpen('interrupted'); // a track cut by a crash is closed, never continued
  if (interrupted > 0) log.info({ tracks: interrupted }, 'closed the tracks left open by the last run');
  const workers = config.inference.workers ?? (availableParallelism() >= 2 ? 2 : 0);
  // Several workers each with onnxruntime's default thread count would oversubscribe the cores.
  const inference = workers > 0 && config.inference.threads === 0 ? { ...config.inference, threads: 1 } : config.inference;
  const faceOpts = {
    detector: config.detector,
    inference,
    modelDir: config.inference.modelDir ?? join(dir, 'models'),
    log: log.child({ module: 'faces' }),
  };
  const engine = workers > 0 ? await FacePool.create({ ...faceOpts, workers }) : await FaceEngine.create(faceOpts);
  const people = await openPeople({ config, store, log: log.child({ module: 'people' }) });
  // An edge of a shared store raises no alert itself: the clusterer does, once per track for every site.
  const alertConfig = config.central ? { ...config.alerts, enabled: false } : config.alerts;
  const alerts = await AlertService.start({ store, config: alertConfig, log: log.child({ module: 'alerts' }) });
  const pipeline = new Pipeline({
    analyzer: { analyze: (img, opts) => engine.analyze(img, opts) },
    store,
    people,
    gate: { isClusterable: (q) => isClusterable(q, config.quality), score: (q) => qualityScore(q, config.quality) },
    config,
    log: log.child({ module: 'pipeline' }),
    onStored: async (frame) => {
      for (const u of trackUpdates(frame)) await alerts.onTrackUpdate(u);
    },
  });
  const runner = new CameraRunner({ store, pipeline, maxQueue: config.queue.maxFrames, log: log.child({ module: 'cameras' }), feedLog: log, cutTracks });
  const central = config.central;
  const shipper = central
    ? new Shipper({ local: store, site: config.site!, url: central.url, batch: central.batch, intervalMs: central.interval, retryMaxMs: central.retryMax, log: log.child({ module: 'shipper' }) })
    : undefined;
  shipper?.start();
  return { config, log, store, engine, people, pipeline, runner, alerts, shipper };
}

/** Where a graceful stop is (named in the log if the shutdown deadline passes). */
interface StopStep {
  name: string;
}

/** How long a stop waits for the last faces to ship (a batch run waits until they are shipped or the store is unreachable). */
const SHIP_AT_STOP_MS = 3000;

/** Stops feeds, finishes the frames in flight, ships what is left (edges), saves the index and closes the store. */
async function shutdown(p: Parts, batch = false, step: StopStep = { name: '' }): Promise<number> {
  step.name = 'stopping the feeds';
  await p.runner.stopAll();
  step.name = 'storing the frames in flight';
  await p.pipeline.drain();
  step.name = 'stopping alerts';
  await p.alerts.stop();
  step.name = 'shipping to the central store';
  let unshipped = 0;
  if (p.shipper) {
    if (batch) unshipped = await p.shipper.flushUntil(Date.now() + SHIP_AT_BATCH_END_MS);
    else await Promise.race([p.shipper.flush().catch(() => undefined), new Promise((r) => setTimeout(r, SHIP_AT_STOP_MS))]);
    const waiting = p.shipper.status().waiting;
    if (waiting > 0) p.log.warn({ faces: waiting }, 'faces not shipped yet stay in the local store; they ship at the next start');
    await p.shipper.stop();
  }
  step.name = 'saving the index';
  await p.people.save();
  step.name = 'closing the inference workers';
  await p.engine.close();
  step.name = 'closing the store';
  await p.store.close();
  step.name = 'done';
  return unshipped;
}

async function reload(p: Parts, current: Readonly<Config>, file: string): Promise<Readonly<Config>> {
  let next: Readonly<Config>;
  try {
    next = loadConfig(file);
  } catch (err) {
    p.log.error({ err: (err as Error).message }, 'SIGHUP: the new config is invalid; keeping the running one');
    return current;
  }
  const diff = diffCameras(current.cameras, next.cameras);
  for (const id of diff.removed) await p.runner.stop(id);
  for (const cam of diff.changed) await p.runner.restart(cam);
  for (const cam of diff.added) await p.runner.start(cam);
  const later = sectionsNeedingRestart(current, next);
  if (later.length > 0) p.log.warn({ sections: later }, 'SIGHUP: these sections changed and apply after a restart');
  if (next.logging.level !== current.logging.level) p.log.level = next.logging.level;
  p.log.info(
    { added: diff.added.map((c) => c.id), removed: diff.removed, restarted: diff.changed.map((c) => c.id), unchanged: diff.unchanged },
    'SIGHUP: config reloaded',
  );
  return { ...next, storage: current.storage };
}

function scheduleMaintenance(p: Parts): Array<NodeJS.Timeout | undefined> {
  const { clustering, retention } = p.config;
  const recluster = clustering.reclusterEvery > 0
    ? setInterval(() => {
        void p.pipeline.serialised(() => p.people.recluster()).then(
          (r) => p.log.info(r, 'scheduled re-cluster done'),
          (err: Error) => p.log.error({ err: err.message }, 'scheduled re-cluster failed; the previous clusters stay'),
        );
      }, clustering.reclusterEvery).unref()
    : undefined;
  const retain = retention.maxAge > 0
    ? setInterval(() => {
        void p.pipeline.changePeople(() => p.people.purge(Date.now() - retention.maxAge)).then(
          (r) => r.faceIds.length > 0 && p.log.info({ faces: r.faceIds.length, retired: r.retired }, 'retention: old faces forgotten'),
          (err: Error) => p.log.error({ err: err.message }, 'retention failed; will try again'),
        );
      }, Math.min(retention.maxAge, 3_600_000)).unref()
    : undefined;
  return [recluster, retain];
}

/**
 * WATCHDOG=1 only while the pipeline is alive: an empty task must get through the sink (where
 * frames are stored, indexed and clustered) within the interval; a wedged pipeline stops the
 * pings and systemd restarts the service.
 */
function startWatchdog(p: Parts, intervalMs: number, ping: () => void): NodeJS.Timeout {
  let inFlight = false;
  return setInterval(() => {
    if (inFlight) {
      p.log.warn({ intervalMs }, 'watchdog: the pipeline did not answer within the interval; not pinging systemd');
      return;
    }
    inFlight = true;
    void p.pipeline.serialised(async () => undefined).then(() => {
      inFlight = false;
      ping();
    });
  }, intervalMs).unref();
}

function writeStatusSafely(p: Parts, startedAt: number, state: DaemonStatus['state']): void {
  const c = p.pipeline.counters;
  try {
    writeStatus(p.config.storage.dir, {
      pid: process.pid,
      startedAt,
      updatedAt: Date.now(),
      state,
      provider: p.engine.provider,
      indexSize: p.people.size,
      faces: { stored: c.facesStored, clusterable: c.facesClusterable, gated: c.facesGated, storeErrors: c.storeErrors },
      frames: { processed: c.framesProcessed, withFaces: c.framesWithFaces, static: c.framesStatic },
      feeds: p.runner.statuses(),
      central: p.shipper?.status(),
    });
  } catch (err) {
    p.log.warn({ err: (err as Error).message }, 'could not write status.json');
  }
}
