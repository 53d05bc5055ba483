/**
 * An edge's store read as the spool of what it ships to the central store (src/central/shipper.ts):
 * faces after a face id (ids commit in order here: SQLite has one writer), tracks changed after
 * a time, and the cameras, as the shipping batch needs them (store/central.ts ShipBatch).
 */
import { inChunks, marks, type Database } from './db.js';
import type { ShipBatch } from './central.js';

type ShipFace = ShipBatch['faces'][number];
type ShipTrack = ShipBatch['tracks'][number];

export class SpoolReader {
  constructor(private readonly db: Database) {}

  /** Up to `limit` faces with id > `afterId`, in id order, with descriptor and thumbnail. */
  async facesAfter(afterId: number, limit: number): Promise<ShipFace[]> {
    return this.db.all<ShipFace>(
      `SELECT id AS "localId", camera_id AS "cameraId", ts, frame_pos AS "framePos", face_idx AS "faceIdx", x, y, w, h, score, quality,
              clusterable, descriptor, thumbnail, created_at AS "createdAt", track_id AS "trackLocalId", source, frame_index AS "frameIndex",
              source_loop AS "sourceLoop"
       FROM faces WHERE id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
  }

  /** How many faces wait after `afterId`. */
  async countAfter(afterId: number): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM faces WHERE id > ?', [afterId]))?.n ?? 0;
  }

  /** Ids of tracks changed after `ts` (ms), oldest change first, with the newest change time among them. */
  async tracksChangedAfter(ts: number, limit: number): Promise<{ ids: number[]; newest: number }> {
    const rows = await this.db.all<{ id: number; u: number }>(
      'SELECT id, updated_at AS u FROM tracks WHERE updated_at > ? ORDER BY updated_at, id LIMIT ?',
      [ts, limit],
    );
    return { ids: rows.map((r) => r.id), newest: rows.reduce((m, r) => Math.max(m, r.u), ts) };
  }

  /** The tracks with these ids, as shipped (best face by its local id). */
  async tracks(ids: readonly number[]): Promise<ShipTrack[]> {
    const out: ShipTrack[] = [];
    for (const chunk of inChunks(ids)) {
      out.push(
        ...(await this.db.all<ShipTrack>(
          `SELECT id AS "localId", camera_id AS "cameraId", first_ts AS "firstTs", last_ts AS "lastTs", first_pos AS "firstPos",
                  last_pos AS "lastPos", faces, best_face_id AS "bestLocalFace", quality, descriptor, identifiable,
                  closed_at AS "closedAt", end_reason AS "endReason", created_at AS "createdAt"
           FROM tracks WHERE id IN (${marks(chunk.length)}) ORDER BY id`,
          chunk,
        )),
      );
    }
    return out;
  }

  /** Every camera, as shipped. */
  async cameras(): Promise<ShipBatch['cameras']> {
    return this.db.all<ShipBatch['cameras'][number]>(
      'SELECT id, url, kind, time_source AS "timeSource", last_frame_at AS "lastFrameAt" FROM cameras ORDER BY id',
    );
  }
}
