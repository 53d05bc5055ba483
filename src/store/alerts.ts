/**
 * Alerts and their outbox. An alert is one watch-list match of one track (UNIQUE on entry,
 * camera and track: a second insert for the same track is a no-op). Each alert gets one delivery
 * row per channel configured when it was raised; the deliverer (src/alerts/outbox.ts) sends the
 * due ones and records the outcome here, so an alert survives a dead receiver and a restart.
 */
import { limitOf, type Database } from './db.js';

export type AlertChannel = 'webhook' | 'mqtt' | 'log';
export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface NewAlert {
  entryId: number;
  entryName: string;
  cameraId: string;
  trackId: number;
  faceId: number | null;
  personId: number | null;
  ts: number;
  distance: number;
  thumbnail: Buffer | null;
}

export interface AlertRow extends Omit<NewAlert, 'thumbnail' | 'entryId'> {
  id: number;
  entryId: number | null;
  createdAt: number;
  deliveries: Array<{ channel: AlertChannel; state: DeliveryState; attempts: number; nextAttemptAt: number; lastError: string | null; sentAt: number | null }>;
}

/** A delivery that is due, with what its message needs. */
export interface DueDelivery extends Omit<AlertRow, 'deliveries'> {
  channel: AlertChannel;
  attempts: number;
  thumbnail: Buffer | null;
}

const ALERT_COLUMNS = `a.id, a.entry_id AS "entryId", a.entry_name AS "entryName", a.camera_id AS "cameraId", a.track_id AS "trackId",
  a.face_id AS "faceId", a.person_id AS "personId", a.ts, a.distance, a.created_at AS "createdAt"`;

export class AlertsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores an alert and a pending delivery per channel, in one transaction. Returns its id, or
   * null when this entry already alerted on this camera's track.
   */
  async insert(alert: NewAlert, channels: readonly AlertChannel[], now = Date.now()): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const r = await tx.get<{ id: number }>(
        `INSERT INTO alerts (entry_id, entry_name, camera_id, track_id, face_id, person_id, ts, distance, thumbnail, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        [alert.entryId, alert.entryName, alert.cameraId, alert.trackId, alert.faceId, alert.personId, alert.ts, alert.distance, alert.thumbnail, now],
      );
      if (r === undefined) return null;
      for (const channel of channels) {
        await tx.run("INSERT INTO alert_deliveries (alert_id, channel, state, next_attempt_at) VALUES (?, ?, 'pending', ?)", [r.id, channel, now]);
      }
      return r.id;
    });
  }

  /** Alerts raised at or after `since` (sighting time), oldest first, with their deliveries. */
  async list(opts: { since?: number; limit?: number } = {}): Promise<AlertRow[]> {
    const rows = await this.db.all<Omit<AlertRow, 'deliveries'>>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.ts >= ? ORDER BY a.ts, a.id LIMIT ?`,
      [opts.since ?? 0, limitOf(opts.limit)],
    );
    if (rows.length === 0) return [];
    const byAlert = new Map<number, AlertRow['deliveries']>(rows.map((r) => [r.id, []]));
    const deliveries = await this.db.all<AlertRow['deliveries'][number] & { alertId: number }>(
      `SELECT alert_id AS "alertId", channel, state, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError", sent_at AS "sentAt"
       FROM alert_deliveries WHERE alert_id >= ? ORDER BY alert_id, channel`,
      [Math.min(...rows.map((r) => r.id))],
    );
    for (const { alertId, ...d } of deliveries) byAlert.get(alertId)?.push(d);
    return rows.map((r) => ({ ...r, deliveries: byAlert.get(r.id) ?? [] }));
  }

  /** Pending deliveries of a channel whose next attempt is due, oldest alert first. */
  async due(channel: AlertChannel, now = Date.now(), limit = 20): Promise<DueDelivery[]> {
    return this.db.all<DueDelivery>(
      `SELECT ${ALERT_COLUMNS}, a.thumbnail, d.channel, d.attempts FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
       WHERE d.channel = ? AND d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY a.id LIMIT ?`,
      [channel, now, limit],
    );
  }

  /** When the next pending delivery of a channel is due (ms since the epoch), or undefined when none is pending. */
  async nextDue(channel: AlertChannel): Promise<number | undefined> {
    const r = await this.db.get<{ t: number | null }>(
      "SELECT min(next_attempt_at) AS t FROM alert_deliveries WHERE channel = ? AND state = 'pending'",
      [channel],
    );
    return r?.t ?? undefined;
  }

  async markSent(alertId: number, channel: AlertChannel, now = Date.now()): Promise<void> {
    await this.db.run(
      "UPDATE alert_deliveries SET state = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE alert_id = ? AND channel = ?",
      [now, alertId, channel],
    );
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or given up (`failed`) when that is null. */
  async markFailed(alertId: number, channel: AlertChannel, error: string, nextAttemptAt: number | null): Promise<void> {
    await this.db.run(
      `UPDATE alert_deliveries SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at)
       WHERE alert_id = ? AND channel = ?`,
      [nextAttemptAt === null ? 'failed' : 'pending', error.slice(0, 500), nextAttemptAt, alertId, channel],
    );
  }

  /** Pending deliveries per channel (status, logs). */
  async pendingCounts(): Promise<Partial<Record<AlertChannel, number>>> {
    const rows = await this.db.all<{ channel: AlertChannel; n: number }>(
      "SELECT channel, count(*) AS n FROM alert_deliveries WHERE state = 'pending' GROUP BY channel",
    );
    return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
  }
}
