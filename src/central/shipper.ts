/**
 * An edge daemon's shipper: the site's own store (SQLite) is the spool, and its faces, tracks and
 * thumbnails go to the central PostgreSQL store in batches, each one transaction there
 * (faceidx_ingest). The cursor (the last face id shipped, the last track change shipped) lives
 * in the local store and moves only after the central commit, so a link down for an hour, a
 * central restart or a kill -9 here loses nothing; a batch shipped again after a crash between
 * the commit and the cursor write is skipped centrally (unique site + local id): no duplicate.
 *
 * Contract: start() returns at once; the shipper retries with backoff while the central store is
 * unreachable (logging once per outage, with the URL's password never shown) and never throws;
 * stop() waits for the batch in flight; flush() ships everything stored so far (tests, --until-done).
 */
import type { Logger } from '../log/logger.js';
import type { CentralStatusLine } from '../runtime/status-file.js';
import { Backoff } from '../feed/backoff.js';
import { CentralRepository, PostgresDatabase, describePgUrl, type ShipBatch, type Store } from '../store/index.js';

export interface ShipperOptions {
  /** The edge's own store (the spool). */
  local: Store;
  site: string;
  /** The central store's URL (this site's role). */
  url: string;
  batch: number;
  intervalMs: number;
  retryMaxMs: number;
  log: Logger;
}

/** What `faceidx status` shows of the shipping (runtime/status-file.ts). */
export type ShipperStatus = CentralStatusLine;

const FACES_CURSOR = 'central.shipped.faceId';
const TRACKS_CURSOR = 'central.shipped.trackChange';
/** A track changed this recently may still change within the same millisecond: shipped again next time. */
const SETTLE_MS = 2000;

export class Shipper {
  private db: PostgresDatabase | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly info: ShipperStatus;

  constructor(private readonly opts: ShipperOptions) {
    this.backoff = new Backoff({ initialMs: Math.max(250, opts.intervalMs), maxMs: opts.retryMaxMs });
    this.info = { state: 'starting', waiting: 0, shipped: 0, lastShippedAt: null, downSince: null, lastError: null, where: describePgUrl(opts.url) };
  }

  start(): void {
    this.schedule(0);
  }

  status(): ShipperStatus {
    return { ...this.info };
  }

  /** Ships until nothing is left (or the central store is unreachable: then rejects). */
  async flush(): Promise<void> {
    const run = this.running.catch(() => undefined).then(() => this.drain(true));
    this.running = run.catch(() => undefined);
    await run;
  }

  /**
   * Ships everything stored so far, retrying with the backoff while the central store is
   * unreachable, until `deadlineMs` (ms since the epoch). Resolves to the faces still waiting
   * (0: all shipped). A batch run (`run --until-done`) ends with this.
   */
  async flushUntil(deadlineMs: number): Promise<number> {
    for (;;) {
      try {
        await this.flush();
        return this.info.waiting;
      } catch {
        const wait = Math.min(this.backoff.next(), deadlineMs - Date.now());
        if (wait <= 0) return this.info.waiting;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    this.db = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.running.catch(() => undefined).then(() => this.drain(false));
    }, ms);
    this.timer.unref();
  }

  /** Ships batches until the spool is empty; schedules the next round (or the retry). */
  private async drain(throwOnError: boolean): Promise<void> {
    let next = this.opts.intervalMs;
    try {
      while (!this.stopped && (await this.shipOne())) {
        // keep going while full batches come
      }
      this.recovered();
    } catch (err) {
      next = this.failed(err as Error);
      if (throwOnError) throw err;
    } finally {
      this.info.waiting = await this.cursor(FACES_CURSOR)
        .then((c) => this.opts.local.spool.countAfter(c))
        .catch(() => this.info.waiting);
      if (!throwOnError) this.schedule(next);
    }
  }

  /** One batch: read the spool, ship it, move the cursors. Returns true when a full batch went (more may wait). */
  private async shipOne(): Promise<boolean> {
    const { local, batch } = this.opts;
    const faceCursor = await this.cursor(FACES_CURSOR);
    const trackCursor = await this.cursor(TRACKS_CURSOR);
    const readAt = Date.now();
    const faces = await local.spool.facesAfter(faceCursor, batch);
    const changed = await local.spool.tracksChangedAfter(trackCursor, batch);
    if (faces.length === 0 && changed.ids.length === 0) return false;
    const trackIds = new Set(changed.ids);
    for (const f of faces) if (f.trackLocalId !== null) trackIds.add(f.trackLocalId);
    const shipment: ShipBatch = { cameras: await local.spool.cameras(), tracks: await local.spool.tracks([...trackIds]), faces };
    const db = await this.connection();
    const added = await new CentralRepository(db).ingest(this.opts.site, shipment);
    if (faces.length > 0) await local.meta.set(FACES_CURSOR, String(faces[faces.length - 1]!.localId));
    await local.meta.set(TRACKS_CURSOR, String(Math.min(changed.newest, readAt - SETTLE_MS)));
    this.info.shipped += added;
    if (faces.length > 0) this.info.lastShippedAt = Date.now();
    if (added > 0) this.opts.log.debug({ faces: added, tracks: shipment.tracks.length }, 'shipped to the central store');
    return faces.length === batch;
  }

  private async cursor(key: string): Promise<number> {
    return Number((await this.opts.local.meta.get(key)) ?? 0);
  }

  private async connection(): Promise<PostgresDatabase> {
    if (this.db) return this.db;
    const db = await PostgresDatabase.open(this.opts.url, { migrate: false, schemaCheck: false, applicationName: `faceidx-site-${this.opts.site}` });
    void db.lost.then(() => {
      if (this.db === db) this.db = undefined;
    });
    this.db = db;
    return db;
  }

  private recovered(): void {
    if (this.info.state === 'down') {
      this.opts.log.info({ central: this.info.where, downForS: Math.round((Date.now() - (this.info.downSince ?? Date.now())) / 1000) }, 'the central store is reachable again; shipping resumed');
    }
    this.info.state = 'ok';
    this.info.downSince = null;
    this.info.lastError = null;
    this.backoff.reset();
  }

  /** Records a failed round; returns when to try again. The connection is dropped (a fresh one next time). */
  private failed(err: Error): number {
    const first = this.info.state !== 'down';
    this.info.state = 'down';
    this.info.downSince ??= Date.now();
    this.info.lastError = err.message;
    const db = this.db;
    this.db = undefined;
    void db?.close().catch(() => undefined);
    const delay = this.backoff.next();
    if (first) this.opts.log.warn({ central: this.info.where, err: err.message, retryInMs: delay }, 'cannot ship to the central store; faces stay in the local store and ship when it is back');
    else this.opts.log.debug({ err: err.message, retryInMs: delay }, 'central store still unreachable');
    return delay;
  }
}
