/**
 * Live updates for the open pages: one poller per server looks at the store every
 * serve.pollInterval for new people (once they have clustering.minFaces faces, the people
 * page's threshold), people retired since (merged, forgotten) and new alerts, and hands each
 * to every subscriber; /events streams them to the browser as Server-Sent Events. The daemon
 * writes the store from another process, so the store is the one place to watch.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../log/logger.js';
import type { AlertLine, PersonCard, Store } from '../store/index.js';

export type LiveEvent =
  | { type: 'person'; person: PersonCard }
  | { type: 'retired'; id: number; mergedInto: number | null }
  | { type: 'alert'; alert: AlertLine };

/** New ids that have not reached minFaces yet stay watched, up to this many (the newest). */
const MAX_PENDING = 2000;

export class LivePoller {
  private readonly events = new EventEmitter();
  private lastPerson = 0;
  private lastAlert = 0;
  private retiredSince = Date.now();
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { store: Store; minFaces: number; intervalMs: number; log: Logger }) {
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const { desk } = this.opts.store;
    this.lastPerson = await desk.maxPersonId();
    this.lastAlert = await desk.maxAlertId();
    this.retiredSince = Date.now();
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.tick()).catch((err: Error) => this.opts.log.warn({ err: err.message }, 'live updates: could not read the store'));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }

  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.events.on('event', fn);
    return () => this.events.off('event', fn);
  }

  get subscribers(): number {
    return this.events.listenerCount('event');
  }

  private emit(e: LiveEvent): void {
    this.events.emit('event', e);
  }

  /** One look at the store (exposed for tests). */
  async tick(): Promise<void> {
    const { desk } = this.opts.store;
    const now = Date.now();
    for (const r of await desk.retiredSince(this.retiredSince)) {
      this.pending.delete(r.id);
      this.emit({ type: 'retired', id: r.id, mergedInto: r.mergedInto });
    }
    // Retirements stamped in the same millisecond as this look come again next time: harmless.
    this.retiredSince = now;
    const fresh = await desk.newPeople(this.lastPerson);
    for (const id of fresh) this.pending.add(id);
    if (fresh.length > 0) this.lastPerson = fresh[fresh.length - 1]!;
    while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.values().next().value!);
    if (this.pending.size > 0) {
      const { people } = await desk.peoplePage({ ids: [...this.pending], minFaces: this.opts.minFaces, limit: MAX_PENDING, sort: 'id' });
      for (const p of people) {
        this.pending.delete(p.id);
        this.emit({ type: 'person', person: p });
      }
    }
    for (const a of await desk.alertsAfter(this.lastAlert)) {
      this.lastAlert = a.id;
      this.emit({ type: 'alert', alert: a });
    }
  }
}
