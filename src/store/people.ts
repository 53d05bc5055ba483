/** People (clusters with stable ids), their face assignments and the labels users give them. */
import type { Database, TxHandle } from './db.js';
import { deleteFaceRows } from './faces.js';

export interface PersonSummary {
  id: number;
  label: string | null;
  faces: number;
  cameras: string[];
  firstSeen: number | null;
  lastSeen: number | null;
  /** Face tracks holding the person's faces. */
  tracks: number;
  /**
   * False for a person seen only at low resolution: none of their faces passed the quality gate
   * (a track of faces too small or poor to identify, src/people/video.ts). Such a person is never
   * merged automatically with another.
   */
  identified: boolean;
}

type SummaryRow = Omit<PersonSummary, 'cameras' | 'identified'> & { cameras: string | null; identified: number | null };

function toSummary(r: SummaryRow): PersonSummary {
  return { ...r, cameras: r.cameras ? r.cameras.split(',').sort() : [], identified: r.identified === 1 };
}

export interface PersonFilter {
  /** Hide people with fewer faces (unconfirmed); 1 shows everyone. */
  minFaces?: number;
  /** Only people seen on this camera (counts still cover every camera). */
  camera?: string;
  /** Only people seen at or after this time (ms since the epoch). */
  since?: number;
}

export interface Sighting {
  faceId: number;
  cameraId: string;
  ts: number;
}

export class PeopleRepository {
  constructor(private readonly db: Database) {}

  /** Creates a new person id. */
  async create(now = Date.now(), tx?: TxHandle): Promise<number> {
    const r = await (tx ?? this.db).get<{ id: number }>('INSERT INTO people (created_at) VALUES (?) RETURNING id', [now]);
    return r!.id;
  }

  /** Ends a person id (merged into another, or emptied by a split). */
  async retire(id: number, mergedInto: number | null = null, now = Date.now(), tx?: TxHandle): Promise<void> {
    await (tx ?? this.db).run('UPDATE people SET retired_at = ?, merged_into = ? WHERE id = ?', [now, mergedInto, id]);
  }

  async exists(id: number): Promise<boolean> {
    const r = await this.db.get<{ id: number }>('SELECT id FROM people WHERE id = ? AND retired_at IS NULL', [id]);
    return r !== undefined;
  }

  /** Where a retired id went (following merges), or the id itself if it is active. */
  async resolve(id: number): Promise<number | undefined> {
    let cur: number | null = id;
    for (let hops = 0; cur !== null && hops < 100; hops++) {
      const r: { retired: number | null; mergedInto: number | null } | undefined = await this.db.get(
        'SELECT retired_at AS retired, merged_into AS "mergedInto" FROM people WHERE id = ?',
        [cur],
      );
      if (!r) return undefined;
      if (r.retired === null) return cur;
      cur = r.mergedInto;
    }
    return undefined;
  }

  /** Sets face -> person for every pair, in the caller's transaction or a new one. */
  async assign(pairs: ReadonlyArray<readonly [faceId: number, personId: number]>, now = Date.now(), tx?: TxHandle): Promise<void> {
    const write = async (t: TxHandle) => {
      for (const [faceId, personId] of pairs) {
        await t.run(
          `INSERT INTO face_person (face_id, person_id, assigned_at) VALUES (?, ?, ?)
           ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, assigned_at = excluded.assigned_at
           WHERE face_person.person_id <> excluded.person_id`,
          [faceId, personId, now],
        );
      }
    };
    if (tx) await write(tx);
    else await this.db.transaction(write);
  }

  /** Every face -> person assignment. */
  async assignments(): Promise<Map<number, number>> {
    const rows = await this.db.all<{ f: number; p: number }>('SELECT face_id AS f, person_id AS p FROM face_person');
    return new Map(rows.map((r) => [r.f, r.p]));
  }

  async personOf(faceId: number): Promise<number | undefined> {
    const r = await this.db.get<{ p: number }>('SELECT person_id AS p FROM face_person WHERE face_id = ?', [faceId]);
    return r?.p;
  }

  async faceIds(personId: number): Promise<number[]> {
    const rows = await this.db.all<{ f: number }>('SELECT face_id AS f FROM face_person WHERE person_id = ? ORDER BY face_id', [personId]);
    return rows.map((r) => r.f);
  }

  async setLabel(personId: number, name: string, now = Date.now(), tx?: TxHandle): Promise<void> {
    await (tx ?? this.db).run(
      `INSERT INTO labels (person_id, name, set_at) VALUES (?, ?, ?)
       ON CONFLICT(person_id) DO UPDATE SET name = excluded.name, set_at = excluded.set_at`,
      [personId, name, now],
    );
  }

  async clearLabel(personId: number, tx?: TxHandle): Promise<void> {
    await (tx ?? this.db).run('DELETE FROM labels WHERE person_id = ?', [personId]);
  }

  async label(personId: number): Promise<string | undefined> {
    const r = await this.db.get<{ name: string }>('SELECT name FROM labels WHERE person_id = ?', [personId]);
    return r?.name;
  }

  /** Active people with their face counts, cameras and first/last sighting, most faces first. */
  async list(filter: PersonFilter = {}): Promise<PersonSummary[]> {
    const where: string[] = ['p.retired_at IS NULL'];
    const params: Array<string | number> = [];
    if (filter.camera !== undefined) {
      where.push('EXISTS (SELECT 1 FROM face_person x JOIN faces fx ON fx.id = x.face_id WHERE x.person_id = p.id AND fx.camera_id = ?)');
      params.push(filter.camera);
    }
    params.push(filter.minFaces ?? 1);
    const having = ['count(f.id) >= ?'];
    if (filter.since !== undefined) {
      having.push('max(f.ts) >= ?');
      params.push(filter.since);
    }
    const rows = await this.db.all<{ id: number; label: string | null; faces: number; cameras: string | null; firstSeen: number | null; lastSeen: number | null; tracks: number; identified: number | null }>(
      `SELECT p.id, l.name AS label, count(f.id) AS faces, ${this.db.sql.groupConcatDistinct('f.camera_id')} AS cameras,
              min(f.ts) AS "firstSeen", max(f.ts) AS "lastSeen", count(DISTINCT f.track_id) AS tracks, max(f.clusterable) AS identified
       FROM people p
       LEFT JOIN labels l ON l.person_id = p.id
       LEFT JOIN face_person fp ON fp.person_id = p.id
       LEFT JOIN faces f ON f.id = fp.face_id
       WHERE ${where.join(' AND ')}
       GROUP BY p.id, l.name
       HAVING ${having.join(' AND ')}
       ORDER BY faces DESC, p.id`,
      params,
    );
    return rows.map(toSummary);
  }

  async get(id: number): Promise<PersonSummary | undefined> {
    const all = await this.db.all<{ id: number; label: string | null; faces: number; cameras: string | null; firstSeen: number | null; lastSeen: number | null; tracks: number; identified: number | null }>(
      `SELECT p.id, l.name AS label, count(f.id) AS faces, ${this.db.sql.groupConcatDistinct('f.camera_id')} AS cameras,
              min(f.ts) AS "firstSeen", max(f.ts) AS "lastSeen", count(DISTINCT f.track_id) AS tracks, max(f.clusterable) AS identified
       FROM people p LEFT JOIN labels l ON l.person_id = p.id
       LEFT JOIN face_person fp ON fp.person_id = p.id LEFT JOIN faces f ON f.id = fp.face_id
       WHERE p.id = ? AND p.retired_at IS NULL GROUP BY p.id, l.name`,
      [id],
    );
    const r = all[0];
    return r && toSummary(r);
  }

  /** A person's sightings in time order (grouped into visits by the caller). */
  async sightings(personId: number): Promise<Sighting[]> {
    return this.db.all<Sighting>(
      `SELECT f.id AS "faceId", f.camera_id AS "cameraId", f.ts FROM faces f JOIN face_person fp ON fp.face_id = f.id
       WHERE fp.person_id = ? ORDER BY f.ts, f.id`,
      [personId],
    );
  }

  /** Active people that no longer have any face. */
  async emptyIds(): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      'SELECT p.id FROM people p WHERE p.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.person_id = p.id)',
    );
    return rows.map((r) => r.id);
  }

  /**
   * Erases a person: deletes their faces (descriptors, thumbnails; assignments and constraints
   * cascade), their label, and retires the id, in one transaction. Returns the deleted face ids.
   */
  async erase(personId: number, now = Date.now()): Promise<number[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ f: number }>('SELECT face_id AS f FROM face_person WHERE person_id = ? ORDER BY face_id', [personId]);
      const ids = rows.map((r) => r.f);
      await deleteFaceRows(tx, ids, now);
      await tx.run('DELETE FROM labels WHERE person_id = ?', [personId]);
      await tx.run('UPDATE people SET retired_at = ?, merged_into = NULL WHERE id = ?', [now, personId]);
      return ids;
    });
  }

  /**
   * Deletes every face seen before `ts` and retires (and unlabels) the people it leaves without
   * faces, in one transaction. Returns the deleted face ids and the retired person ids.
   */
  async purgeBefore(ts: number, now = Date.now()): Promise<{ faceIds: number[]; retired: number[] }> {
    return this.db.transaction(async (tx) => {
      const faces = await tx.all<{ id: number }>('SELECT id FROM faces WHERE ts < ? ORDER BY id', [ts]);
      const touched = await tx.all<{ p: number }>(
        'SELECT DISTINCT fp.person_id AS p FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE f.ts < ?',
        [ts],
      );
      await deleteFaceRows(tx, faces.map((r) => r.id), now);
      const retired: number[] = [];
      for (const { p } of touched) {
        const left = await tx.get<{ n: number }>('SELECT count(*) AS n FROM face_person WHERE person_id = ?', [p]);
        if ((left?.n ?? 0) > 0) continue;
        await tx.run('DELETE FROM labels WHERE person_id = ?', [p]);
        await tx.run('UPDATE people SET retired_at = ? WHERE id = ? AND retired_at IS NULL', [now, p]);
        retired.push(p);
      }
      return { faceIds: faces.map((r) => r.id), retired: retired.sort((a, b) => a - b) };
    });
  }

  /** Active people seen only at low resolution (none of their faces passed the quality gate). */
  async countLowResolution(): Promise<number> {
    const r = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM people p WHERE p.retired_at IS NULL
       AND EXISTS (SELECT 1 FROM face_person fp WHERE fp.person_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = p.id AND f.clusterable = 1)`,
    );
    return r?.n ?? 0;
  }

  async countActive(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM people WHERE retired_at IS NULL');
    return r?.n ?? 0;
  }
}
