/**
 * The clusterer of a shared store: every daemon with storage.backend: postgres is a candidate;
 * one leads, holding a session advisory lock on its own connection, and the others wait as
 * standbys, trying the lock every cluster.standbyRetry. The leader's connection carries the lock,
 * LISTEN and every write of the people core, so a leader that loses its connection loses its
 * lock and its writes together: no two leaders ever write (a leader cut off reconnects as a
 * candidate, and resyncs from the store if it leads again).
 *
 * Leading: the newest checkpoint of the index and graph is restored (checkpoint.ts), the people
 * core opens over the shared store (it catches up with every face stored since), and the follower
 * (follower.ts) hands it the faces committed after a snapshot taken before the open. Requests
 * from the CLI (merge, not, label, forget, purge, recluster) are applied from the requests
 * table; alerts fire from here; re-clusters, retention and checkpoints run on their timers.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { ClusterStatusLine } from '../runtime/status-file.js';
import { Backoff } from '../feed/backoff.js';
import { AlertService } from '../alerts/service.js';
import { openPeople, type People } from '../people/index.js';
import { startRequestWorker } from '../daemon/requests.js';
import { CentralRepository, PostgresDatabase, describePgUrl, storeOver } from '../store/index.js';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { Follower } from './follower.js';

/** What `faceidx status` shows of the clusterer (runtime/status-file.ts). */
export type ClusterStatus = ClusterStatusLine;

export interface ClustererOptions {
  config: Readonly<Config>;
  log: Logger;
}

type Outcome = 'stop' | 'lost';

/** Resolves after `ms`, or as soon as one of `events` settles (whichever is first); true when an event came. */
function waitOr(ms: number, ...events: Array<Promise<unknown>>): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    for (const e of events) void e.then(() => (clearTimeout(t), resolve(true)), () => (clearTimeout(t), resolve(true)));
  });
}

export class Clusterer {
  readonly status: ClusterStatus;
  private people: People | undefined;
  private follower: Follower | undefined;

  constructor(private readonly opts: ClustererOptions) {
    this.status = { role: 'connecting', since: Date.now(), where: describePgUrl(this.url), faces: 0, indexSize: 0, lastError: null, lastCheckpointAt: null };
  }

  private get url(): string {
    return this.opts.config.storage.postgres!.url;
  }

  private setRole(role: ClusterStatus['role']): void {
    if (this.status.role !== role) Object.assign(this.status, { role, since: Date.now() });
  }

  /** Takes part in the election until `stop` resolves; leads whenever it holds the lock. */
  async run(stop: Promise<unknown>): Promise<void> {
    const { config, log } = this.opts;
    const backoff = new Backoff({ initialMs: config.cluster.standbyRetry, maxMs: 30_000 });
    let stopping = false;
    void stop.then(() => (stopping = true));
    while (!stopping) {
      let db: PostgresDatabase | undefined;
      try {
        db = await PostgresDatabase.open(this.url, { applicationName: 'faceidx-clusterer' });
        const central = new CentralRepository(db);
        this.setRole('standby');
        while (!stopping && !(await central.tryLead())) {
          if (await waitOr(config.cluster.standbyRetry, stop, db.lost)) break;
        }
        if (stopping) break;
        const lost = await Promise.race([db.lost.then(() => true), Promise.resolve(false)]);
        if (lost) throw await db.lost;
        backoff.reset();
        const outcome = await this.lead(db, central, stop);
        if (outcome === 'lost') throw await db.lost;
      } catch (err) {
        this.status.lastError = (err as Error).message;
        this.setRole('connecting');
        const delay = backoff.next();
        log.warn({ store: this.status.where, err: (err as Error).message, retryInMs: delay }, 'clusterer: the shared store is unreachable or the lead was lost; trying again');
        await waitOr(delay, stop);
      } finally {
        await db?.close();
      }
    }
    this.setRole('stopped');
  }

  /** Leads until `stop` (saves a checkpoint) or until the connection is lost (saves nothing there). */
  private async lead(db: PostgresDatabase, central: CentralRepository, stop: Promise<unknown>): Promise<Outcome> {
    const { config, log } = this.opts;
    const dir = config.storage.dir;
    const t0 = performance.now();
    this.setRole('leader');
    await restoreCheckpoint(central, dir, log);
    const store = storeOver(db);
    // Where the last leader stopped (null: never led): the faces since then are compared with
    // the watch list; the people core catches up with every face when it opens.
    const cursor = (await store.meta.get('cluster.cursor')) ?? null;
    await store.meta.set('cluster.leader', JSON.stringify({ host: hostname(), pid: process.pid, since: Date.now() }));
    const people = await openPeople({ config, store, log: log.child({ module: 'people' }) });
    this.people = people;
    const alerts = await AlertService.start({ store, config: config.alerts, log: log.child({ module: 'alerts' }) });
    const follower = new Follower(
      { central, people, onTrackUpdate: (u) => alerts.onTrackUpdate(u), saveCursor: (s) => store.meta.set('cluster.cursor', s), pollMs: config.cluster.poll, log: log.child({ module: 'follower' }) },
      cursor,
    );
    this.follower = follower;
    const requests = startRequestWorker({ store, people, serialised: (fn) => fn(), log: log.child({ module: 'requests' }) });
    await follower.start();
    log.info({ store: this.status.where, indexSize: people.size, openS: Math.round(performance.now() - t0) / 1000 }, 'clusterer: leading');
    const timers = this.maintenance(people, central);
    const outcome: Outcome = await Promise.race([stop.then(() => 'stop' as const), db.lost.then(() => 'lost' as const)]);
    for (const t of timers) clearInterval(t);
    await follower.stop();
    await requests.stop();
    await alerts.stop();
    if (outcome === 'stop') await this.checkpoint(people, central).catch((err: Error) => log.warn({ err: err.message }, 'clusterer: could not save a checkpoint at stop'));
    this.people = undefined;
    this.follower = undefined;
    return outcome;
  }

  /** Saves the index and graph here and into the store. */
  private async checkpoint(people: People, central: CentralRepository): Promise<void> {
    await people.save();
    await saveCheckpoint(central, this.opts.config.storage.dir);
    this.status.lastCheckpointAt = Date.now();
  }

  /** Checkpoints (when faces came), re-clusters and retention, on their timers. */
  private maintenance(people: People, central: CentralRepository): NodeJS.Timeout[] {
    const { config, log } = this.opts;
    let savedFaces = -1;
    const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
      let busy = false;
      const t = setInterval(() => {
        if (busy) return;
        busy = true;
        void fn()
          .catch((err: Error) => log.warn({ err: err.message }, `clusterer: ${what} failed; trying again later`))
          .finally(() => (busy = false));
      }, ms);
      t.unref();
      return t;
    };
    const timers = [
      every(config.cluster.checkpointEvery, 'checkpoint', async () => {
        const faces = this.follower?.stats.faces ?? 0;
        if (faces === savedFaces) return;
        await this.checkpoint(people, central);
        savedFaces = faces;
      }),
    ];
    if (config.clustering.reclusterEvery > 0) timers.push(every(config.clustering.reclusterEvery, 're-cluster', () => people.recluster()));
    if (config.retention.maxAge > 0) {
      timers.push(every(Math.min(config.retention.maxAge, 3_600_000), 'retention', () => people.purge(Date.now() - config.retention.maxAge)));
    }
    return timers;
  }

  /** The status with the live counts. */
  snapshot(): ClusterStatus {
    return { ...this.status, faces: this.follower?.stats.faces ?? 0, indexSize: this.people?.size ?? 0 };
  }
}
