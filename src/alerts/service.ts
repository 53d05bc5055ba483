/**
 * The daemon's alert service: the watch list (reloaded from the store when it changes, so
 * `faceidx watch add/remove` works while the daemon runs), matching of track updates, and the
 * delivery workers of the configured channels.
 *
 * Contract for the pipeline: after a frame's faces are stored and assigned to tracks, call
 * `onTrackUpdate` once per track that got a new clusterable face, with the track's aggregate
 * descriptor (the mean of its clusterable faces) and that face. The first update of a track that
 * is closer than `alerts.threshold` to a watch entry raises the alert; later updates of the same
 * track never raise another for that entry (UNIQUE (entry, camera, track) in the store, and a
 * memory of keys so they cost no write). It never throws and is cheap (a few hundred distances
 * and, on a match, one insert); delivery happens on the workers' timers, off the frame path.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import type { AlertChannel, DueDelivery } from '../store/alerts.js';
import { matchWatchList, type WatchVector } from './match.js';
import { alertMessage, type RetryPolicy } from './message.js';
import { ChannelWorker } from './outbox.js';
import { postWebhook, probeWebhook } from './webhook.js';
import { redactUrl } from '../redact.js';
import { MqttPublisher } from './mqtt.js';

export interface TrackUpdate {
  cameraId: string;
  trackId: number;
  /** The face that brought the update (the alert's picture and `face` field). */
  faceId: number;
  /** The track's aggregate descriptor. */
  descriptor: Float32Array;
  /** Time of the face's frame, ms since the epoch. */
  ts: number;
  /** JPEG of the face; read from the store when not given. */
  thumbnail?: Buffer | undefined;
  personId?: number | null | undefined;
}

export interface AlertServiceOptions {
  store: Store;
  config: Config['alerts'];
  log: Logger;
  /** How often the watch list's signature is read (ms). */
  reloadEveryMs?: number;
  /** mqtt.js reconnect period (ms), for tests. */
  mqttReconnectMs?: number;
}

/** Keys remembered before the memory is cleared (the store's UNIQUE still holds). */
const MAX_KEYS = 100_000;

export class AlertService {
  private list: WatchVector[] = [];
  private signature = '';
  private readonly alerted = new Set<string>();
  private readonly workers: ChannelWorker[] = [];
  private mqtt: MqttPublisher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: AlertServiceOptions) {}

  /** Loads the watch list, starts the channels' workers (pending alerts of an earlier run go first). */
  static async start(opts: AlertServiceOptions): Promise<AlertService> {
    const s = new AlertService(opts);
    await s.reloadWatchList();
    s.startChannels();
    const every = opts.reloadEveryMs ?? 2000;
    s.reloadTimer = setInterval(() => {
      s.reloading = s.reloadWatchList().catch((err: Error) => opts.log.warn({ err: err.message }, 'could not read the watch list; keeping the one loaded'));
    }, every);
    s.reloadTimer.unref();
    return s;
  }

  /** The channels an alert raised now is delivered to. */
  get channels(): AlertChannel[] {
    return this.workers.map((w) => w.channel);
  }

  get watchEntries(): number {
    return new Set(this.list.map((w) => w.entryId)).size;
  }

  /** Re-reads the watch list when its signature changed. */
  async reloadWatchList(): Promise<void> {
    const sig = await this.opts.store.watch.signature();
    if (sig === this.signature) return;
    const rows = await this.opts.store.watch.descriptors();
    this.list = rows;
    this.signature = sig;
    this.opts.log.info({ entries: this.watchEntries, photos: rows.length }, 'watch list loaded');
  }

  /** Compares a track update with the watch list; returns the ids of the alerts it raised. */
  async onTrackUpdate(u: TrackUpdate): Promise<number[]> {
    const { config, store, log } = this.opts;
    if (!config.enabled || this.list.length === 0) return [];
    const raised: number[] = [];
    try {
      for (const m of matchWatchList(u.descriptor, this.list, config.threshold)) {
        const key = `${m.entryId}:${u.cameraId}:${u.trackId}`;
        if (this.alerted.has(key)) continue;
        const thumbnail = u.thumbnail ?? (await store.faces.thumbnail(u.faceId)) ?? null;
        const id = await store.alerts.insert(
          { entryId: m.entryId, entryName: m.name, cameraId: u.cameraId, trackId: u.trackId, faceId: u.faceId, personId: u.personId ?? null, ts: u.ts, distance: m.distance, thumbnail },
          this.channels,
        );
        if (this.alerted.size >= MAX_KEYS) this.alerted.clear();
        this.alerted.add(key);
        if (id !== null) raised.push(id);
      }
    } catch (err) {
      log.error({ camera: u.cameraId, track: u.trackId, err: (err as Error).message }, 'could not store an alert; the next update of the track tries again');
    }
    if (raised.length > 0) for (const w of this.workers) w.wake();
    return raised;
  }

  async stop(): Promise<void> {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    await this.reloading.catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.mqtt?.close();
  }

  private startChannels(): void {
    const { config, store, log } = this.opts;
    const retryFor = (retries: number | 'unlimited'): RetryPolicy => ({ initialMs: config.retryInitial, maxMs: config.retryMax, retries });
    const add = (channel: AlertChannel, send: (d: DueDelivery) => Promise<void>, retry: RetryPolicy) => {
      const w = new ChannelWorker({ channel, alerts: store.alerts, send, retry, log });
      this.workers.push(w);
      w.start();
    };
    // The journal line: logging cannot fail in a way a retry would fix.
    add('log', async (d) => log.warn({ alert: d.id, watch: d.entryName, person: d.personId, camera: d.cameraId, track: d.trackId, face: d.faceId, time: new Date(d.ts).toISOString(), distance: Number(d.distance.toFixed(4)) }, `ALERT: ${d.entryName} seen on camera ${d.cameraId}`), retryFor(0));
    const { webhook, mqtt } = config;
    if (webhook.url) {
      const w = { url: webhook.url, secret: webhook.secret, headers: webhook.headers, timeoutMs: webhook.timeout };
      add('webhook', (d) => postWebhook(JSON.stringify(alertMessage(d)), w), retryFor(webhook.retries));
      void probeWebhook(w).then((why) => {
        if (why) log.warn({ url: redactUrl(w.url), err: why }, 'alert webhook unreachable; alerts wait in the store and are sent when it answers (check alerts.webhook.url)');
      });
    }
    if (mqtt.url) {
      const pub = new MqttPublisher({ url: mqtt.url, topic: mqtt.topic, timeoutMs: mqtt.timeout, log, ...(this.opts.mqttReconnectMs ? { reconnectMs: this.opts.mqttReconnectMs } : {}) });
      this.mqtt = pub;
      add('mqtt', (d) => pub.publish(JSON.stringify(alertMessage(d))), retryFor(mqtt.retries));
    }
  }
}
