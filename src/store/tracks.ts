/**
 * Face tracks: one row per track (a person followed through one camera), and the faces of a
 * frame stored together with the tracks they join, in one transaction.
 *
 * Contract:
 *  - storeFrame(): inserts the frame's faces with their track ids, creating the rows of new
 *    tracks and updating (and closing) the tracks the tracker touched; all or nothing. A face
 *    already stored (the frame processed again after a crash) is skipped (null id) and does not
 *    count; a new track none of whose faces were stored gets no row.
 *  - closeOpen(): closes every track still open (at daemon start: a track cut by a crash is
 *    closed, never continued; its faces stay). openStarts(), read just before, says where each
 *    camera's cut tracks began: a file resumes there, so the tracker follows them again
 *    (src/daemon/cameras.ts resumePosition) and what follows is a new track.
 *  - refreshTracks(): after faces were deleted, recounts the tracks that lost faces, picks a new
 *    best face where the old one went, and deletes tracks left without a face.
 */
import { inChunks, limitOf, marks, type Database, type TxHandle } from './db.js';
import { decodeDescriptor, encodeDescriptor } from './codec.js';
import { insertFaceRow, type NewFace } from './faces.js';

/** What the tracker says about a track this frame (src/tracks TrackSnapshot, plus its stored id). */
export interface TrackWrite {
  /** The caller's key for the track (the tracker's). */
  key: number;
  /** The stored id, once the track has a row. */
  id?: number | undefined;
  cameraId: string;
  firstTs: number;
  lastTs: number;
  firstPos: number;
  lastPos: number;
  quality: number;
  aggregate: Float32Array | undefined;
  identifiable: boolean;
  /** Index (in this frame's faces) of the face that is now the track's best. */
  bestFace?: number | undefined;
  /** Set when the track ended at this frame. */
  endReason?: string | undefined;
}

export interface FrameWrite {
  faces: ReadonlyArray<NewFace & { trackKey: number }>;
  tracks: readonly TrackWrite[];
}

export interface StoredFrame {
  /** Per face: its id, or null when it was already stored. */
  faceIds: Array<number | null>;
  /** Tracker key -> stored track id, for every track of the write that has a row. */
  trackIds: Map<number, number>;
}

export interface TrackRow {
  id: number;
  cameraId: string;
  firstTs: number;
  lastTs: number;
  firstPos: number;
  lastPos: number;
  faces: number;
  bestFaceId: number | null;
  quality: number;
  identifiable: boolean;
  closed: boolean;
  endReason: string | null;
}

const COLUMNS = `id, camera_id AS "cameraId", first_ts AS "firstTs", last_ts AS "lastTs", first_pos AS "firstPos", last_pos AS "lastPos",
  faces, best_face_id AS "bestFaceId", quality, identifiable, closed_at AS "closedAt", end_reason AS "endReason"`;

type RawTrack = Omit<TrackRow, 'identifiable' | 'closed'> & { identifiable: number; closedAt: number | null };

const toRow = ({ closedAt, identifiable, ...r }: RawTrack): TrackRow => ({ ...r, identifiable: identifiable === 1, closed: closedAt !== null });

/** Faces with a track that constrains them (not carried over from before tracks: 'migrated'). */
const TRACKED_FACES = `FROM faces f JOIN tracks t ON t.id = f.track_id WHERE (t.end_reason IS NULL OR t.end_reason <> 'migrated')`;

export class TracksRepository {
  constructor(private readonly db: Database) {}

  async storeFrame(w: FrameWrite, now = Date.now()): Promise<StoredFrame> {
    return this.db.transaction(async (tx) => {
      const trackIds = new Map<number, number>();
      const withFaces = new Set(w.faces.map((f) => f.trackKey));
      const created = new Set<number>();
      for (const t of w.tracks) {
        if (t.id !== undefined) trackIds.set(t.key, t.id);
        else if (withFaces.has(t.key)) {
          trackIds.set(t.key, await insertTrack(tx, t, now));
          created.add(t.key);
        }
      }
      const faceIds: Array<number | null> = [];
      const stored = new Map<number, number>();
      for (const f of w.faces) {
        const { trackKey, ...face } = f;
        const id = await insertFaceRow(tx, { ...face, trackId: trackIds.get(trackKey) ?? null }, now);
        faceIds.push(id);
        if (id !== null) stored.set(trackKey, (stored.get(trackKey) ?? 0) + 1);
      }
      for (const t of w.tracks) {
        const id = trackIds.get(t.key);
        if (id === undefined) continue;
        if (created.has(t.key) && !stored.has(t.key)) {
          await tx.run('DELETE FROM tracks WHERE id = ?', [id]);
          trackIds.delete(t.key);
          continue;
        }
        const best = t.bestFace === undefined ? null : faceIds[t.bestFace] ?? null;
        await updateTrack(tx, id, t, stored.get(t.key) ?? 0, best, now);
      }
      return { faceIds, trackIds };
    });
  }

  /** Closes every open track (of one camera, or all); returns how many. */
  async closeOpen(reason: string, cameraId?: string, now = Date.now()): Promise<number> {
    const r = await this.db.run(
      `UPDATE tracks SET closed_at = ?, end_reason = ?, updated_at = ? WHERE closed_at IS NULL ${cameraId === undefined ? '' : 'AND camera_id = ?'}`,
      cameraId === undefined ? [now, reason, now] : [now, reason, now, cameraId],
    );
    return r.changes;
  }

  /** Which of these track ids still have a row. */
  async existing(ids: readonly number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (const chunk of inChunks(ids)) {
      for (const r of await this.db.all<{ id: number }>(`SELECT id FROM tracks WHERE id IN (${marks(chunk.length)})`, chunk)) out.add(Number(r.id));
    }
    return out;
  }

  /** Per camera with an open track: the first position of its earliest open track. */
  async openStarts(): Promise<Map<string, number>> {
    const rows = await this.db.all<{ cameraId: string; firstPos: number }>(
      'SELECT camera_id AS "cameraId", min(first_pos) AS "firstPos" FROM tracks WHERE closed_at IS NULL GROUP BY camera_id',
    );
    return new Map(rows.map((r) => [r.cameraId, r.firstPos]));
  }

  async get(id: number): Promise<TrackRow | undefined> {
    const r = await this.db.get<RawTrack>(`SELECT ${COLUMNS} FROM tracks WHERE id = ?`, [id]);
    return r && toRow(r);
  }

  async aggregate(id: number): Promise<Float32Array | undefined> {
    const r = await this.db.get<{ descriptor: Buffer | null }>('SELECT descriptor FROM tracks WHERE id = ?', [id]);
    return r?.descriptor ? decodeDescriptor(r.descriptor) : undefined;
  }

  /** Tracks of a camera (or all), oldest first. */
  async list(opts: { cameraId?: string; openOnly?: boolean } = {}): Promise<TrackRow[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (opts.cameraId !== undefined) {
      where.push('camera_id = ?');
      params.push(opts.cameraId);
    }
    if (opts.openOnly) where.push('closed_at IS NULL');
    const rows = await this.db.all<RawTrack>(
      `SELECT ${COLUMNS} FROM tracks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY first_ts, id`,
      params,
    );
    return rows.map(toRow);
  }

  /** The tracks holding faces of a person, per camera and time (`faces` counts that person's faces). */
  async byPerson(personId: number): Promise<TrackRow[]> {
    const rows = await this.db.all<RawTrack>(
      `SELECT t.id, t.camera_id AS "cameraId", min(f.ts) AS "firstTs", max(f.ts) AS "lastTs", min(f.frame_pos) AS "firstPos",
         max(f.frame_pos) AS "lastPos", count(*) AS faces, t.best_face_id AS "bestFaceId", t.quality, t.identifiable,
         t.closed_at AS "closedAt", t.end_reason AS "endReason"
       FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN tracks t ON t.id = f.track_id
       WHERE fp.person_id = ? GROUP BY t.id ORDER BY t.camera_id, min(f.ts), t.id`,
      [personId],
    );
    return rows.map(toRow);
  }

  /**
   * What the video constraints need of every tracked face (src/tracks/constraints.ts,
   * src/people/video.ts), in id order, `limit` at a time after `afterId`. Faces carried over from
   * before tracks existed (their one-face tracks ended 'migrated') are left out: they keep the
   * clustering they had.
   */
  async constraintFaces(afterId = 0, limit?: number): Promise<Array<{ id: number; cameraId: string; ts: number; framePos: number; trackId: number; clusterable: boolean }>> {
    const rows = await this.db.all<{ id: number; cameraId: string; ts: number; framePos: number; trackId: number; clusterable: number }>(
      `SELECT f.id, f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.track_id AS "trackId", f.clusterable
       ${TRACKED_FACES} AND f.id > ? ORDER BY f.id LIMIT ?`,
      [afterId, limitOf(limit)],
    );
    return rows.map((r) => ({ ...r, clusterable: r.clusterable === 1 }));
  }

  /** The ids of the faces of constraintFaces under the quality gate (the people core's sightings), in id order. */
  async sightingIds(): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(`SELECT f.id ${TRACKED_FACES} AND f.clusterable = 0 ORDER BY f.id`);
    return rows.map((r) => r.id);
  }

  async count(): Promise<{ tracks: number; open: number; identifiable: number }> {
    const r = await this.db.get<{ tracks: number; open: number | null; identifiable: number | null }>(
      'SELECT count(*) AS tracks, sum(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) AS open, sum(identifiable) AS identifiable FROM tracks',
    );
    return { tracks: r?.tracks ?? 0, open: r?.open ?? 0, identifiable: r?.identifiable ?? 0 };
  }
}

async function insertTrack(tx: TxHandle, t: TrackWrite, now: number): Promise<number> {
  const r = await tx.get<{ id: number }>(
    `INSERT INTO tracks (camera_id, first_ts, last_ts, first_pos, last_pos, faces, quality, identifiable, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, ?) RETURNING id`,
    [t.cameraId, t.firstTs, t.lastTs, t.firstPos, t.lastPos, now, now],
  );
  return r!.id;
}

async function updateTrack(tx: TxHandle, id: number, t: TrackWrite, added: number, bestFaceId: number | null, now: number): Promise<void> {
  const max = tx.sql.greatest;
  await tx.run(
    `UPDATE tracks SET last_ts = ${max('last_ts', '?')}, last_pos = ${max('last_pos', '?')}, faces = faces + ?,
       best_face_id = coalesce(?, best_face_id), quality = ?, descriptor = coalesce(?, descriptor),
       identifiable = ${max('identifiable', '?')}, closed_at = coalesce(closed_at, ?), end_reason = coalesce(end_reason, ?), updated_at = ?
     WHERE id = ?`,
    [
      t.lastTs, t.lastPos, added, bestFaceId, t.quality, t.aggregate ? encodeDescriptor(t.aggregate) : null,
      t.identifiable ? 1 : 0, t.endReason === undefined ? null : now, t.endReason ?? null, now, id,
    ],
  );
}

/** Inside a transaction: recounts tracks after some of their faces were deleted; empty tracks go. */
export async function refreshTracks(tx: TxHandle, ids: readonly number[], now = Date.now()): Promise<void> {
  for (const chunk of inChunks(ids)) {
    await tx.run(
      `UPDATE tracks SET faces = (SELECT count(*) FROM faces f WHERE f.track_id = tracks.id),
         best_face_id = coalesce(best_face_id, (SELECT f.id FROM faces f WHERE f.track_id = tracks.id ORDER BY f.clusterable DESC, f.quality DESC, f.id LIMIT 1)),
         updated_at = ?
       WHERE id IN (${marks(chunk.length)})`,
      [now, ...chunk],
    );
    await tx.run(`DELETE FROM tracks WHERE id IN (${marks(chunk.length)}) AND faces = 0`, chunk);
  }
}
