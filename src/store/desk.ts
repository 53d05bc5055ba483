/**
 * Reads for the review page (`faceidx serve`) and the seen-with/route analyses: people a page
 * at a time with filters, a person's sightings a page at a time, who else was on a camera at
 * given times, what changed since the last look (live updates). Read-only, portable SQL.
 */
import type { Database } from './db.js';

export type PeopleSort = 'faces' | 'recent' | 'id';

export interface PeoplePageFilter {
  /** true: only identified people; false: only people seen only at low resolution. */
  identified?: boolean;
  /** Only people seen on this camera (counts still cover every camera). */
  camera?: string;
  /** Only people seen in this time range (ms since the epoch, inclusive). */
  since?: number;
  until?: number;
  /** Only people whose label contains this text (case-insensitive); '' or undefined: any. */
  label?: string;
  /** true: only labelled people; false: only unlabelled. */
  labelled?: boolean;
  minFaces?: number;
  /** Only these people. */
  ids?: readonly number[];
  sort?: PeopleSort;
  offset?: number;
  limit?: number;
}

export interface PersonCard {
  id: number;
  label: string | null;
  faces: number;
  tracks: number;
  identified: boolean;
  firstSeen: number;
  lastSeen: number;
  cameras: string[];
  /** The face shown for the person (best with a thumbnail), or null. */
  faceId: number | null;
}

/** One sighting as the analyses use it (src/investigate). */
export interface SightingRow {
  faceId: number;
  personId: number;
  cameraId: string;
  ts: number;
  framePos: number;
  trackId: number | null;
}

export interface FacePageRow {
  id: number;
  cameraId: string;
  ts: number;
  framePos: number;
  frameIndex: number | null;
  source: string | null;
  trackId: number | null;
  quality: number;
  clusterable: boolean;
  hasThumbnail: boolean;
}

export interface CameraPersonRow {
  personId: number;
  label: string | null;
  faces: number;
  firstSeen: number;
  lastSeen: number;
  faceId: number | null;
}

/** An alert as the review page lists it. */
export interface AlertLine {
  id: number;
  entryName: string;
  cameraId: string;
  personId: number | null;
  faceId: number | null;
  ts: number;
  distance: number;
  hasThumbnail: boolean;
}

type RawAlertLine = Omit<AlertLine, 'hasThumbnail'> & { thumb: number };

const ALERT_LINE = `id, entry_name AS "entryName", camera_id AS "cameraId", person_id AS "personId", face_id AS "faceId", ts, distance,
  CASE WHEN thumbnail IS NULL THEN 0 ELSE 1 END AS thumb`;

const alertLine = ({ thumb, ...r }: RawAlertLine): AlertLine => ({ ...r, hasThumbnail: thumb === 1 });

const ORDER: Record<PeopleSort, string> = {
  faces: 's.faces DESC, p.id',
  recent: 's.last DESC, p.id',
  id: 'p.id',
};

/**
 * The FROM and WHERE of the people page: per person, from their faces, the count, first and last
 * time, whether one passed the gate and (with a camera or time filter) how many match it. Over
 * every person, the faces are read in the order of the faces_review index (camera, time, gate:
 * it holds every column needed, so no face row is read; migration 8), each joined to its person;
 * for a few given people, their faces are looked up instead.
 */
function peopleQuery(f: PeoplePageFilter): { sql: string; params: Array<string | number> } {
  const params: Array<string | number> = [];
  const seen: string[] = [];
  if (f.camera !== undefined) {
    seen.push('f.camera_id = ?');
    params.push(f.camera);
  }
  if (f.since !== undefined) {
    seen.push('f.ts >= ?');
    params.push(f.since);
  }
  if (f.until !== undefined) {
    seen.push('f.ts <= ?');
    params.push(f.until);
  }
  const seenColumn = seen.length > 0 ? `, sum(CASE WHEN ${seen.join(' AND ')} THEN 1 ELSE 0 END) AS seen` : '';
  const few = f.ids !== undefined;
  const from = few
    ? `FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE ${f.ids!.length === 0 ? '1 = 0' : `fp.person_id IN (${marks(f.ids!.length)})`}`
    : 'FROM faces f CROSS JOIN face_person fp WHERE fp.face_id = f.id';
  if (few) params.push(...f.ids!);
  const where: string[] = ['p.retired_at IS NULL', 's.faces >= ?'];
  params.push(f.minFaces ?? 1);
  if (seen.length > 0) where.push('s.seen > 0');
  if (f.identified !== undefined) where.push(`s.identified = ${f.identified ? 1 : 0}`);
  if (f.label !== undefined && f.label.trim() !== '') {
    where.push("lower(l.name) LIKE ? ESCAPE '\\'");
    params.push(`%${f.label.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (f.labelled !== undefined) where.push(f.labelled ? 'l.name IS NOT NULL' : 'l.name IS NULL');
  const sql = `FROM (SELECT fp.person_id AS pid, count(*) AS faces, max(f.clusterable) AS identified, min(f.ts) AS first, max(f.ts) AS last${seenColumn}
      ${from} GROUP BY fp.person_id) s
    JOIN people p ON p.id = s.pid LEFT JOIN labels l ON l.person_id = p.id
    WHERE ${where.join(' AND ')}`;
  return { sql, params };
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** The face to show for a person: the best (gate passed, quality) with a thumbnail. */
const BEST_FACE = `(SELECT bf.id FROM face_person bfp JOIN faces bf ON bf.id = bfp.face_id
  WHERE bfp.person_id = p.id AND bf.thumbnail IS NOT NULL ORDER BY bf.clusterable DESC, bf.quality DESC, bf.id LIMIT 1)`;

export class DeskReader {
  constructor(private readonly db: Database) {}

  /** A page of active people with their counts, cameras and shown face; `total` counts every match. */
  async peoplePage(f: PeoplePageFilter = {}): Promise<{ total: number; people: PersonCard[] }> {
    const { sql, params } = peopleQuery(f);
    const rows = await this.db.all<Omit<PersonCard, 'cameras' | 'identified' | 'faceId' | 'tracks'> & { identified: number; total: number }>(
      `SELECT p.id, l.name AS label, s.faces, s.identified, s.first AS "firstSeen", s.last AS "lastSeen", count(*) OVER () AS total
       ${sql} ORDER BY ${ORDER[f.sort ?? 'faces']} LIMIT ? OFFSET ?`,
      [...params, f.limit ?? 60, f.offset ?? 0],
    );
    // The window count comes with the rows; a page past the end has none, so count apart then.
    const total = rows[0]?.total ?? (await this.db.get<{ n: number }>(`SELECT count(*) AS n ${sql}`, params))?.n ?? 0;
    const ids = rows.map((r) => r.id);
    const cameras = await this.camerasOf(ids);
    const faces = await this.shownFaces(ids);
    const tracks = await this.trackCounts(ids);
    return {
      total: Number(total),
      people: rows.map(({ total: _t, ...r }) => ({ ...r, tracks: tracks.get(r.id) ?? 0, identified: r.identified === 1, cameras: cameras.get(r.id) ?? [], faceId: faces.get(r.id) ?? null })),
    };
  }

  /** Face tracks holding each person's faces. */
  async trackCounts(ids: readonly number[]): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.all<{ id: number; n: number }>(
      `SELECT fp.person_id AS id, count(DISTINCT f.track_id) AS n FROM face_person fp JOIN faces f ON f.id = fp.face_id
       WHERE fp.person_id IN (${marks(ids.length)}) GROUP BY fp.person_id`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)] as const));
  }

  /** The cameras each person was seen on, sorted. */
  async camerasOf(ids: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (ids.length === 0) return out;
    const rows = await this.db.all<{ personId: number; cameraId: string }>(
      `SELECT DISTINCT fp.person_id AS "personId", f.camera_id AS "cameraId" FROM face_person fp JOIN faces f ON f.id = fp.face_id
       WHERE fp.person_id IN (${marks(ids.length)})`,
      ids,
    );
    for (const r of rows) (out.get(r.personId) ?? out.set(r.personId, []).get(r.personId)!).push(r.cameraId);
    for (const list of out.values()) list.sort();
    return out;
  }

  /** The face shown for each person (see BEST_FACE). */
  async shownFaces(ids: readonly number[]): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.all<{ id: number; faceId: number | null }>(
      `SELECT p.id, ${BEST_FACE} AS "faceId" FROM people p WHERE p.id IN (${marks(ids.length)})`,
      ids,
    );
    return new Map(rows.flatMap((r) => (r.faceId === null ? [] : [[r.id, r.faceId] as const])));
  }

  /** A person's `n` best faces (passed the gate first, then by quality): samples for comparing people. */
  async sampleFaces(personId: number, n: number, withThumbnail = false): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      `SELECT f.id FROM faces f JOIN face_person fp ON fp.face_id = f.id WHERE fp.person_id = ? ${withThumbnail ? 'AND f.thumbnail IS NOT NULL' : ''}
       ORDER BY f.clusterable DESC, f.quality DESC, f.id LIMIT ?`,
      [personId, n],
    );
    return rows.map((r) => r.id);
  }

  /** Labels of the given people (those without one are absent). */
  async labels(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.all<{ id: number; name: string }>(`SELECT person_id AS id, name FROM labels WHERE person_id IN (${marks(ids.length)})`, ids);
    return new Map(rows.map((r) => [r.id, r.name] as const));
  }

  /** The stored thumbnails (JPEG) of the given faces; faces without one are absent. */
  async thumbnails(ids: readonly number[]): Promise<Map<number, Buffer>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.all<{ id: number; thumbnail: Buffer }>(`SELECT id, thumbnail FROM faces WHERE thumbnail IS NOT NULL AND id IN (${marks(ids.length)})`, ids);
    return new Map(rows.map((r) => [r.id, r.thumbnail] as const));
  }

  /** A page of a person's faces, oldest first, and how many there are. */
  async facesOfPerson(personId: number, offset: number, limit: number): Promise<{ total: number; faces: FacePageRow[] }> {
    const total = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM face_person WHERE person_id = ?', [personId]);
    const rows = await this.db.all<Omit<FacePageRow, 'clusterable' | 'hasThumbnail'> & { clusterable: number; thumb: number }>(
      `SELECT f.id, f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.frame_index AS "frameIndex", f.source,
              f.track_id AS "trackId", f.quality, f.clusterable, CASE WHEN f.thumbnail IS NULL THEN 0 ELSE 1 END AS thumb
       FROM faces f JOIN face_person fp ON fp.face_id = f.id WHERE fp.person_id = ? ORDER BY f.ts, f.id LIMIT ? OFFSET ?`,
      [personId, limit, offset],
    );
    return {
      total: Number(total?.n ?? 0),
      faces: rows.map(({ thumb, clusterable, ...r }) => ({ ...r, clusterable: clusterable === 1, hasThumbnail: thumb === 1 })),
    };
  }

  /** Every sighting of a person (any camera), in time order. */
  async sightingsOf(personId: number): Promise<SightingRow[]> {
    return this.db.all<SightingRow>(
      `SELECT f.id AS "faceId", fp.person_id AS "personId", f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.track_id AS "trackId"
       FROM faces f JOIN face_person fp ON fp.face_id = f.id WHERE fp.person_id = ? ORDER BY f.ts, f.id`,
      [personId],
    );
  }

  /** Sightings of other active people on one camera between two times (inclusive), in time order. */
  async othersOnCamera(cameraId: string, from: number, to: number, exceptPerson: number): Promise<SightingRow[]> {
    return this.db.all<SightingRow>(
      `SELECT f.id AS "faceId", fp.person_id AS "personId", f.camera_id AS "cameraId", f.ts, f.frame_pos AS "framePos", f.track_id AS "trackId"
       FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN people pe ON pe.id = fp.person_id
       WHERE f.camera_id = ? AND f.ts >= ? AND f.ts <= ? AND fp.person_id <> ? AND pe.retired_at IS NULL ORDER BY f.ts, f.id`,
      [cameraId, from, to, exceptPerson],
    );
  }

  /** The faces of a track that belong to a person, in id order. */
  async trackFacesOf(trackId: number, personId: number): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      'SELECT f.id FROM faces f JOIN face_person fp ON fp.face_id = f.id WHERE f.track_id = ? AND fp.person_id = ? ORDER BY f.id',
      [trackId, personId],
    );
    return rows.map((r) => r.id);
  }

  /** People seen on a camera: per person their faces there and first/last time there, in order of first time. */
  async peopleOnCamera(cameraId: string, offset: number, limit: number): Promise<{ total: number; people: CameraPersonRow[] }> {
    const base = `FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN people p ON p.id = fp.person_id AND p.retired_at IS NULL
      LEFT JOIN labels l ON l.person_id = p.id WHERE f.camera_id = ? GROUP BY p.id, l.name`;
    const total = await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM (SELECT p.id ${base}) AS seen`, [cameraId]);
    const rows = await this.db.all<Omit<CameraPersonRow, 'faceId'>>(
      `SELECT p.id AS "personId", l.name AS label, count(*) AS faces, min(f.ts) AS "firstSeen", max(f.ts) AS "lastSeen"
       ${base} ORDER BY min(f.ts), p.id LIMIT ? OFFSET ?`,
      [cameraId, limit, offset],
    );
    const faces = await this.shownFaces(rows.map((r) => r.personId));
    return { total: Number(total?.n ?? 0), people: rows.map((r) => ({ ...r, faceId: faces.get(r.personId) ?? null })) };
  }

  /** Active people with an id above `afterId` (new people, for live updates), ascending. */
  async newPeople(afterId: number, limit = 200): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>('SELECT id FROM people WHERE id > ? AND retired_at IS NULL ORDER BY id LIMIT ?', [afterId, limit]);
    return rows.map((r) => r.id);
  }

  /** People retired (merged, forgotten, emptied) at or after a time, with where they went. */
  async retiredSince(since: number): Promise<Array<{ id: number; mergedInto: number | null; at: number }>> {
    return this.db.all(
      'SELECT id, merged_into AS "mergedInto", retired_at AS at FROM people WHERE retired_at IS NOT NULL AND retired_at >= ? ORDER BY retired_at, id',
      [since],
    );
  }

  /** The highest person id (0 in an empty store). */
  async maxPersonId(): Promise<number> {
    const r = await this.db.get<{ m: number | null }>('SELECT max(id) AS m FROM people');
    return Number(r?.m ?? 0);
  }

  /** The highest alert id (0 when there is none). */
  async maxAlertId(): Promise<number> {
    const r = await this.db.get<{ m: number | null }>('SELECT max(id) AS m FROM alerts');
    return Number(r?.m ?? 0);
  }

  /** Alerts with an id above `afterId`, ascending (live updates). */
  async alertsAfter(afterId: number, limit = 100): Promise<AlertLine[]> {
    return this.db.all<RawAlertLine>(
      `SELECT ${ALERT_LINE} FROM alerts WHERE id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    ).then((rows) => rows.map(alertLine));
  }

  /** Newest alerts first (the watch page). */
  async recentAlerts(limit: number): Promise<AlertLine[]> {
    return this.db.all<RawAlertLine>(
      `SELECT ${ALERT_LINE} FROM alerts ORDER BY id DESC LIMIT ?`,
      [limit],
    ).then((rows) => rows.map(alertLine));
  }

  async alertThumbnail(id: number): Promise<Buffer | undefined> {
    const r = await this.db.get<{ thumbnail: Buffer | null }>('SELECT thumbnail FROM alerts WHERE id = ?', [id]);
    return r?.thumbnail ?? undefined;
  }
}
