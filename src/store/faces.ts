/** Face sightings: one row per detected face, with its descriptor and thumbnail. */
import type { Rect } from '../faces/types.js';
import { inChunks, limitOf, marks, type Database, type TxHandle } from './db.js';
import { relinkMustLinkSurvivors, relinkCannotLinkSurvivors } from './constraints.js';
import { decodeDescriptor, encodeDescriptor } from './codec.js';
import { refreshTracks } from './tracks.js';

/** What a face row says about the sighting (without its id, descriptor and thumbnail). */
export interface FaceFields {
  cameraId: string;
  ts: number;
  framePos: number;
  faceIdx: number;
  box: Rect;
  score: number;
  quality: number;
  clusterable: boolean;
}

export interface NewFace extends FaceFields {
  descriptor: Float32Array;
  thumbnail?: Buffer | undefined;
  /** The face's track (tracks.ts stores faces with their track; null or absent: none). */
  trackId?: number | null | undefined;
  /** The video or image file the face was seen in (absolute path); none for live streams. */
  source?: string | undefined;
  /** Files: the frame's index in the source. */
  frameIndex?: number | undefined;
  /** Looping files: which pass over the file (0, 1, 2...); framePos is then the offset within the file. */
  loop?: number | undefined;
}

export interface FaceRow extends FaceFields {
  id: number;
  /** The face's track (null for faces stored without one). */
  trackId: number | null;
  /** The video or image file (null for live streams and faces stored before schema 5). */
  source: string | null;
  frameIndex: number | null;
}

export interface FaceVector {
  id: number;
  descriptor: Float32Array;
  clusterable: boolean;
}

/** The row columns, optionally qualified by a table alias. */
function columns(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}id, ${a}camera_id AS "cameraId", ${a}ts, ${a}frame_pos AS "framePos", ${a}face_idx AS "faceIdx",
    ${a}x, ${a}y, ${a}w, ${a}h, ${a}score, ${a}quality, ${a}clusterable, ${a}track_id AS "trackId", ${a}source, ${a}frame_index AS "frameIndex"`;
}

interface RawFace {
  id: number;
  cameraId: string;
  ts: number;
  framePos: number;
  faceIdx: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  quality: number;
  clusterable: number;
  trackId: number | null;
  source: string | null;
  frameIndex: number | null;
}

function toRow(r: RawFace): FaceRow {
  return {
    id: r.id,
    cameraId: r.cameraId,
    ts: r.ts,
    framePos: r.framePos,
    faceIdx: r.faceIdx,
    box: { x: r.x, y: r.y, width: r.w, height: r.h },
    score: r.score,
    quality: r.quality,
    clusterable: r.clusterable === 1,
    trackId: r.trackId,
    source: r.source,
    frameIndex: r.frameIndex,
  };
}

export class FacesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores faces in one transaction. A face already stored (same camera, time and position in
   * its frame, e.g. a frame processed again after a crash) is skipped: its slot in the result is null.
   */
  async insertMany(faces: readonly NewFace[], now = Date.now()): Promise<Array<number | null>> {
    if (faces.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const ids: Array<number | null> = [];
      for (const f of faces) ids.push(await insertFaceRow(tx, f, now));
      return ids;
    });
  }

  async get(id: number): Promise<FaceRow | undefined> {
    const r = await this.db.get<RawFace>(`SELECT ${columns()} FROM faces WHERE id = ?`, [id]);
    return r && toRow(r);
  }

  async descriptor(id: number): Promise<Float32Array | undefined> {
    const r = await this.db.get<{ descriptor: Buffer }>('SELECT descriptor FROM faces WHERE id = ?', [id]);
    return r && decodeDescriptor(r.descriptor);
  }

  async count(): Promise<{ faces: number; clusterable: number }> {
    const r = await this.db.get<{ faces: number; clusterable: number | null }>(
      'SELECT count(*) AS faces, sum(clusterable) AS clusterable FROM faces',
    );
    return { faces: r?.faces ?? 0, clusterable: r?.clusterable ?? 0 };
  }

  /** Faces stored per camera, and how many of them passed the quality gate. */
  async countByCamera(): Promise<Map<string, { faces: number; clusterable: number }>> {
    const rows = await this.db.all<{ c: string; faces: number; clusterable: number | null }>(
      'SELECT camera_id AS c, count(*) AS faces, sum(clusterable) AS clusterable FROM faces GROUP BY camera_id',
    );
    return new Map(rows.map((r) => [r.c, { faces: r.faces, clusterable: r.clusterable ?? 0 }]));
  }

  async maxId(): Promise<number> {
    const r = await this.db.get<{ m: number | null }>('SELECT max(id) AS m FROM faces');
    return r?.m ?? 0;
  }

  /** Descriptors in id order, `limit` at a time after `afterId` (index rebuilds, re-clusters). */
  async vectorsAfter(afterId: number, limit: number, clusterableOnly = false): Promise<FaceVector[]> {
    const rows = await this.db.all<{ id: number; descriptor: Buffer; clusterable: number }>(
      `SELECT id, descriptor, clusterable FROM faces WHERE id > ? ${clusterableOnly ? 'AND clusterable = 1' : ''} ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, descriptor: decodeDescriptor(r.descriptor), clusterable: r.clusterable === 1 }));
  }

  /** Every stored face id, ascending (index consistency checks). */
  async ids(clusterableOnly = false): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      `SELECT id FROM faces ${clusterableOnly ? 'WHERE clusterable = 1' : ''} ORDER BY id`,
    );
    return rows.map((r) => r.id);
  }

  async thumbnail(id: number): Promise<Buffer | undefined> {
    const r = await this.db.get<{ thumbnail: Buffer | null }>('SELECT thumbnail FROM faces WHERE id = ?', [id]);
    return r?.thumbnail ?? undefined;
  }

  /** Faces of a person, newest first unless `oldestFirst`. */
  async byPerson(personId: number, opts: { limit?: number; oldestFirst?: boolean } = {}): Promise<FaceRow[]> {
    const rows = await this.db.all<RawFace>(
      `SELECT ${columns('f')} FROM faces f JOIN face_person fp ON fp.face_id = f.id
       WHERE fp.person_id = ? ORDER BY f.ts ${opts.oldestFirst ? 'ASC' : 'DESC'}, f.id LIMIT ?`,
      [personId, limitOf(opts.limit)],
    );
    return rows.map(toRow);
  }

  /** Deletes faces (their assignments and constraints go with them; merges are re-linked among the faces left); returns how many. */
  async deleteIds(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.transaction((tx) => deleteFaceRows(tx, ids));
  }

  /** Stored thumbnails of a person's faces, newest first, skipping faces without one (montages). */
  async thumbnailsOfPerson(personId: number, limit?: number): Promise<Array<{ id: number; thumbnail: Buffer }>> {
    return this.db.all<{ id: number; thumbnail: Buffer }>(
      `SELECT f.id, f.thumbnail FROM faces f JOIN face_person fp ON fp.face_id = f.id
       WHERE fp.person_id = ? AND f.thumbnail IS NOT NULL ORDER BY f.ts DESC, f.id LIMIT ?`,
      [personId, limitOf(limit)],
    );
  }

  /**
   * Streams the descriptor and person of every face assigned to an active person (exact
   * nearest-person search without the daemon's index file). Returns the number of rows.
   */
  async eachAssignedVector(onRow: (faceId: number, personId: number, descriptor: Float32Array) => void): Promise<number> {
    return this.db.each<{ id: number; p: number; descriptor: Buffer }>(
      `SELECT f.id, fp.person_id AS p, f.descriptor FROM faces f
       JOIN face_person fp ON fp.face_id = f.id JOIN people pe ON pe.id = fp.person_id
       WHERE pe.retired_at IS NULL`,
      [],
      (r) => onRow(r.id, r.p, decodeDescriptor(r.descriptor)),
    );
  }

  /** Ids of faces seen before `ts` (retention, purge). */
  async idsOlderThan(ts: number): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>('SELECT id FROM faces WHERE ts < ? ORDER BY id', [ts]);
    return rows.map((r) => r.id);
  }
}

/** Inside a transaction: stores one face; null when it was already stored (same camera, time and position in its frame). */
export async function insertFaceRow(tx: TxHandle, f: NewFace, now: number): Promise<number | null> {
  const r = await tx.get<{ id: number }>(
    `INSERT INTO faces (camera_id, ts, frame_pos, face_idx, x, y, w, h, score, quality, clusterable, descriptor, thumbnail, created_at, track_id, source, frame_index, source_loop)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    [
      f.cameraId, f.ts, f.framePos, f.faceIdx, f.box.x, f.box.y, f.box.width, f.box.height,
      f.score, f.quality, f.clusterable ? 1 : 0, encodeDescriptor(f.descriptor), f.thumbnail ?? null, now, f.trackId ?? null,
      f.source ?? null, f.frameIndex ?? null, f.loop ?? null,
    ],
  );
  return r?.id ?? null;
}

/**
 * Inside a transaction: deletes face rows by id (assignments and constraints cascade), after
 * re-linking the merges that lose faces among the faces left and moving cannot-links to a
 * surviving face of the same person (constraints.ts), then brings the tracks that lost faces
 * up to date (tracks.ts: counts, best face; a track left without faces goes). Returns how many rows went.
 */
export async function deleteFaceRows(tx: TxHandle, ids: readonly number[], now = Date.now()): Promise<number> {
  const doomed = new Set(ids);
  await relinkMustLinkSurvivors(tx, doomed, now);
  await relinkCannotLinkSurvivors(tx, doomed, now);
  let n = 0;
  const tracks = new Set<number>();
  for (const chunk of inChunks(ids)) {
    const rows = await tx.all<{ t: number }>(`SELECT DISTINCT track_id AS t FROM faces WHERE id IN (${marks(chunk.length)}) AND track_id IS NOT NULL`, chunk);
    for (const r of rows) tracks.add(r.t);
    n += (await tx.run(`DELETE FROM faces WHERE id IN (${marks(chunk.length)})`, chunk)).changes;
  }
  await refreshTracks(tx, [...tracks], now);
  return n;
}
