/**
 * Reads for investigator outputs (the HTML report, evidence export): every sighting with its
 * footage position, cameras with the footage time they cover, descriptors and thumbnails.
 * Read-only. Optional data: face tracks (`faces.track_id`, issue 12) and people's `identified`
 * flag are read when the schema has them (see `schema()`); without them those fields are null.
 */
import { inChunks, marks, type Database } from './db.js';
import { decodeDescriptor } from './codec.js';

export interface ReportFilter {
  /** ms since the epoch, inclusive. */
  since?: number;
  until?: number;
  camera?: string;
  /** Only this person's faces (evidence export). */
  personId?: number;
}

/** Which optional columns this store has. */
export interface ReportSchema {
  /** faces.track_id (face tracks). */
  tracks: boolean;
  /** Whether people carry `identified` (derived: a face of theirs passed the quality gate). */
  identified: boolean;
}

export interface ReportFace {
  id: number;
  /** The active person the face belongs to; null for faces below the gate or unassigned. */
  personId: number | null;
  cameraId: string;
  ts: number;
  /** Files: offset in seconds; folders: image index; live: seconds since the feed's start. */
  framePos: number;
  frameIndex: number | null;
  source: string | null;
  box: { x: number; y: number; width: number; height: number };
  quality: number;
  clusterable: boolean;
  hasThumbnail: boolean;
  trackId: number | null;
}

export interface ReportCamera {
  id: string;
  url: string;
  kind: string;
  timeSource: string | null;
}

export interface ReportPerson {
  id: number;
  label: string | null;
  /** null when the store does not say (no face tracks). */
  identified: boolean | null;
}

function where(filter: ReportFilter, alias = 'f'): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  if (filter.since !== undefined) {
    parts.push(`${alias}.ts >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    parts.push(`${alias}.ts <= ?`);
    params.push(filter.until);
  }
  if (filter.camera !== undefined) {
    parts.push(`${alias}.camera_id = ?`);
    params.push(filter.camera);
  }
  if (filter.personId !== undefined) {
    parts.push(`${alias}.id IN (SELECT face_id FROM face_person WHERE person_id = ?)`);
    params.push(filter.personId);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export class ReportReader {
  private schemaCache: ReportSchema | undefined;

  constructor(private readonly db: Database) {}

  async schema(): Promise<ReportSchema> {
    if (this.schemaCache) return this.schemaCache;
    const cols = (table: string) => this.columns(table);
    const faces = await cols('faces');
    // A person is identified when one of their faces passed the quality gate (src/people/video.ts);
    // a store with tracks has people seen only at low resolution.
    this.schemaCache = { tracks: faces.has('track_id'), identified: faces.has('track_id') };
    return this.schemaCache;
  }

  /** The columns a table has (read-only opens do not migrate, so an older store can lack some). */
  private async columns(table: string): Promise<Set<string>> {
    const rows =
      this.db.backend === 'sqlite'
        ? await this.db.all<{ name: string }>(`PRAGMA table_info(${table})`)
        : await this.db.all<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()', [table]);
    return new Set(rows.map((c) => c.name));
  }

  async cameras(): Promise<ReportCamera[]> {
    const cols = await this.columns('cameras');
    const ts = cols.has('time_source') ? 'time_source' : 'NULL';
    return this.db.all<ReportCamera>(`SELECT id, url, kind, ${ts} AS "timeSource" FROM cameras ORDER BY id`);
  }

  /** Active people (label, identified) that have at least one face. */
  async people(): Promise<ReportPerson[]> {
    const s = await this.schema();
    const rows = await this.db.all<{ id: number; label: string | null; identified: number | null }>(
      `SELECT p.id, l.name AS label,
         ${s.identified ? '(SELECT max(f.clusterable) FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = p.id)' : 'NULL'} AS identified
       FROM people p
       LEFT JOIN labels l ON l.person_id = p.id WHERE p.retired_at IS NULL ORDER BY p.id`,
    );
    return rows.map((r) => ({ id: r.id, label: r.label, identified: r.identified === null ? null : r.identified === 1 }));
  }

  /** Every face in the filter, in time order (then id), with its active person if any. */
  async faces(filter: ReportFilter = {}): Promise<ReportFace[]> {
    const s = await this.schema();
    const w = where(filter);
    const rows = await this.db.all<{
      id: number; personId: number | null; cameraId: string; ts: number; framePos: number; frameIndex: number | null; source: string | null;
      x: number; y: number; w: number; h: number; quality: number; clusterable: number; thumb: number; trackId: number | null;
    }>(
      `SELECT f.id, pe.id AS "personId", f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.frame_index AS "frameIndex", f.source,
              f.x, f.y, f.w, f.h, f.quality, f.clusterable, CASE WHEN f.thumbnail IS NOT NULL THEN 1 ELSE 0 END AS thumb, ${s.tracks ? 'f.track_id' : 'NULL'} AS "trackId"
       FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id LEFT JOIN people pe ON pe.id = fp.person_id AND pe.retired_at IS NULL
       ${w.sql} ORDER BY f.ts, f.id`,
      w.params,
    );
    return rows.map((r) => ({
      id: r.id, personId: r.personId, cameraId: r.cameraId, ts: r.ts, framePos: r.framePos, frameIndex: r.frameIndex, source: r.source,
      box: { x: r.x, y: r.y, width: r.w, height: r.h }, quality: r.quality, clusterable: r.clusterable === 1, hasThumbnail: r.thumb === 1, trackId: r.trackId,
    }));
  }

  /** The descriptors of the given faces (chunked). */
  async descriptors(ids: readonly number[]): Promise<Map<number, Float32Array>> {
    const out = new Map<number, Float32Array>();
    for (const chunk of inChunks(ids)) {
      const rows = await this.db.all<{ id: number; descriptor: Buffer }>(`SELECT id, descriptor FROM faces WHERE id IN (${marks(chunk.length)})`, chunk);
      for (const r of rows) out.set(r.id, decodeDescriptor(r.descriptor));
    }
    return out;
  }

  /** Calls `onThumb` with each stored thumbnail of the given faces (chunked, so large reports stay in bounded memory). */
  async eachThumbnail(ids: readonly number[], onThumb: (id: number, jpeg: Buffer) => Promise<void>): Promise<void> {
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const rows = await this.db.all<{ id: number; thumbnail: Buffer }>(
        `SELECT id, thumbnail FROM faces WHERE thumbnail IS NOT NULL AND id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) await onThumb(r.id, r.thumbnail);
    }
  }
}

