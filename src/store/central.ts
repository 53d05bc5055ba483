/**
 * What only the central PostgreSQL store does (migration 7, migrations-pg.ts): sites ship their
 * faces through `faceidx_ingest`, and the elected clusterer finds the faces committed since its
 * cursor, holds the leader's lock and keeps checkpoints of its index and graph.
 *
 * The cursor is a transaction snapshot (pg_snapshot), not a face id: ids are taken when rows are
 * inserted but transactions commit in any order, so "id > last" would skip a face whose
 * transaction committed after a later id's. A face is new when the transaction that inserted it
 * (faces.xid) was not yet visible in the cursor's snapshot and is visible now.
 */
import type { PostgresDatabase } from './postgres.js';
import { decodeDescriptor } from './codec.js';

/** One shipment of a site: its cameras, the tracks touched and the faces, as stored at the site. */
export interface ShipBatch {
  cameras: Array<{ id: string; url: string; kind: string; timeSource: string | null; lastFrameAt: number | null }>;
  tracks: Array<{
    localId: number; cameraId: string; firstTs: number; lastTs: number; firstPos: number; lastPos: number; faces: number;
    bestLocalFace: number | null; quality: number; descriptor: Buffer | null; identifiable: number; closedAt: number | null;
    endReason: string | null; createdAt: number;
  }>;
  faces: Array<{
    localId: number; cameraId: string; ts: number; framePos: number; faceIdx: number; x: number; y: number; w: number; h: number;
    score: number; quality: number; clusterable: number; descriptor: Buffer; thumbnail: Buffer | null; createdAt: number;
    trackLocalId: number | null; source: string | null; frameIndex: number | null; sourceLoop: number | null;
  }>;
}

/** A face as the clusterer hands it to the people core, with what alerts need of its track. */
export interface ClusterFace {
  id: number;
  cameraId: string;
  ts: number;
  framePos: number;
  clusterable: boolean;
  trackId: number | null;
  descriptor: Float32Array;
  /** The track's aggregate descriptor (alerts compare it with the watch list). */
  trackDescriptor: Float32Array | undefined;
}

/** The notification channel: payload "site first-id last-id count" (ids only). */
export const FACES_CHANNEL = 'faceidx_faces';
/** The leader's session advisory lock (one per database). */
export const LEADER_LOCK = 4177002;
const CHUNK = 8 * 1024 * 1024;

const col = <T, K extends keyof T>(rows: readonly T[], key: K): Array<T[K]> => rows.map((r) => r[key]);

export class CentralRepository {
  constructor(private readonly db: PostgresDatabase) {}

  /** Ships one batch for `site` in one transaction; returns how many faces were new (the rest were shipped before). */
  async ingest(site: string, b: ShipBatch): Promise<number> {
    const { cameras: c, tracks: t, faces: f } = b;
    const params = [
      site,
      col(c, 'id'), col(c, 'url'), col(c, 'kind'), col(c, 'timeSource'), col(c, 'lastFrameAt'),
      col(t, 'localId'), col(t, 'cameraId'), col(t, 'firstTs'), col(t, 'lastTs'), col(t, 'firstPos'), col(t, 'lastPos'), col(t, 'faces'),
      col(t, 'bestLocalFace'), col(t, 'quality'), col(t, 'descriptor'), col(t, 'identifiable'), col(t, 'closedAt'), col(t, 'endReason'), col(t, 'createdAt'),
      col(f, 'localId'), col(f, 'cameraId'), col(f, 'ts'), col(f, 'framePos'), col(f, 'faceIdx'), col(f, 'x'), col(f, 'y'), col(f, 'w'), col(f, 'h'),
      col(f, 'score'), col(f, 'quality'), col(f, 'clusterable'), col(f, 'descriptor'), col(f, 'thumbnail'), col(f, 'createdAt'),
      col(f, 'trackLocalId'), col(f, 'source'), col(f, 'frameIndex'), col(f, 'sourceLoop'),
    ];
    const marks = params.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.db.query<{ n: number }>(`SELECT faceidx_ingest(${marks}) AS n`, params);
    return rows[0]?.n ?? 0;
  }

  /** The current snapshot, as text (the cursor a clusterer starts from). */
  async snapshot(): Promise<string> {
    return (await this.db.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s'))[0]!.s;
  }

  /**
   * Ids of the faces committed since `since` (a snapshot's text; null: every face), and the
   * snapshot to use next time, read together in one REPEATABLE READ transaction.
   */
  async newFaces(since: string | null): Promise<{ ids: number[]; snapshot: string }> {
    return this.db.transaction(async (tx) => {
      const snapshot = (await tx.get<{ s: string }>('SELECT pg_current_snapshot()::text AS s'))!.s;
      const rows =
        since === null
          ? await tx.all<{ id: number }>('SELECT id FROM faces ORDER BY id')
          : await tx.all<{ id: number }>(
              `SELECT id FROM faces WHERE xid >= pg_snapshot_xmin(?::pg_snapshot)
                 AND NOT pg_visible_in_snapshot(xid, ?::pg_snapshot) ORDER BY id`,
              [since, since],
            );
      return { ids: rows.map((r) => r.id), snapshot };
    }, 'REPEATABLE READ');
  }

  /** The faces to hand to the people core, in id order (a frame's faces stay together). */
  async clusterFaces(ids: readonly number[]): Promise<ClusterFace[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<{
      id: number; cameraId: string; ts: number; framePos: number; clusterable: number; trackId: number | null; descriptor: Buffer; td: Buffer | null;
    }>(
      `SELECT f.id, f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.clusterable, f.track_id AS "trackId", f.descriptor, t.descriptor AS td
       FROM faces f LEFT JOIN tracks t ON t.id = f.track_id WHERE f.id = ANY ($1::bigint[]) ORDER BY f.id`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id, cameraId: r.cameraId, ts: r.ts, framePos: r.framePos, clusterable: r.clusterable === 1, trackId: r.trackId,
      descriptor: decodeDescriptor(r.descriptor), trackDescriptor: r.td ? decodeDescriptor(r.td) : undefined,
    }));
  }

  /** Tries to become the leader: a session advisory lock on this connection (gone with it). */
  async tryLead(): Promise<boolean> {
    return (await this.db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK]))[0]!.ok;
  }

  /** Whether some session holds the leader's lock (any role may ask: pg_locks). */
  async leaderPresent(): Promise<boolean> {
    const r = await this.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = $1",
      [LEADER_LOCK],
    );
    return (r[0]?.n ?? 0) > 0;
  }

  /** LISTENs for new faces on this connection; `onFaces` gets each payload. */
  async listen(onFaces: (payload: string) => void): Promise<void> {
    this.db.client.on('notification', (m) => {
      if (m.channel === FACES_CHANNEL) onFaces(m.payload ?? '');
    });
    await this.db.query(`LISTEN ${FACES_CHANNEL}`);
  }

  /** Saves files (the index, the graph) as one checkpoint generation; older ones go. */
  async saveCheckpoint(files: ReadonlyArray<{ name: string; data: Buffer }>, generation = Date.now()): Promise<number> {
    await this.db.transaction(async (tx) => {
      for (const { name, data } of files) {
        for (let seq = 0, off = 0; off < data.length || seq === 0; seq++, off += CHUNK) {
          await tx.run('INSERT INTO cluster_checkpoints (generation, name, seq, data) VALUES (?, ?, ?, ?)', [generation, name, seq, data.subarray(off, off + CHUNK)]);
        }
      }
      await tx.run(
        "INSERT INTO meta (key, value) VALUES ('cluster.checkpoint', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [String(generation)],
      );
      await tx.run('DELETE FROM cluster_checkpoints WHERE generation <> ?', [generation]);
    });
    return generation;
  }

  /** The newest checkpoint's generation, or undefined. */
  async checkpointGeneration(): Promise<number | undefined> {
    const r = await this.db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'cluster.checkpoint'");
    return r ? Number(r.value) : undefined;
  }

  /** The files of a checkpoint generation. */
  async loadCheckpoint(generation: number): Promise<Array<{ name: string; data: Buffer }>> {
    const names = await this.db.all<{ name: string }>('SELECT DISTINCT name FROM cluster_checkpoints WHERE generation = ? ORDER BY name', [generation]);
    const out: Array<{ name: string; data: Buffer }> = [];
    for (const { name } of names) {
      const parts: Buffer[] = [];
      // One chunk at a time keeps memory near one chunk's size on top of the file.
      for (let seq = 0; ; seq++) {
        const r = await this.db.get<{ data: Buffer }>('SELECT data FROM cluster_checkpoints WHERE generation = ? AND name = ? AND seq = ?', [generation, name, seq]);
        if (!r) break;
        parts.push(r.data);
      }
      out.push({ name, data: Buffer.concat(parts) });
    }
    return out;
  }
}
