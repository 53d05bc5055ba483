/**
 * The watch list: enrolled people we are looking for, each with the descriptors of one or more
 * photos (the photos themselves only when asked). The daemon reads the list through
 * `signature()` (cheap) and reloads `descriptors()` when it changes.
 */
import type { Database } from './db.js';
import { decodeDescriptor, encodeDescriptor } from './codec.js';

export interface NewWatchDescriptor {
  descriptor: Float32Array;
  /** File name of the photo. */
  source: string;
  box: { x: number; y: number; width: number; height: number };
  /** The photo, kept only with `watch add --keep-photo`. */
  photo?: Buffer | undefined;
}

export interface WatchEntryRow {
  id: number;
  name: string;
  createdAt: number;
  descriptors: number;
  sources: string[];
  photosKept: number;
}

export interface WatchDescriptorRow {
  entryId: number;
  name: string;
  descriptor: Float32Array;
}

export class WatchRepository {
  constructor(private readonly db: Database) {}

  /** Adds an entry with its descriptors in one transaction; returns its id, or null when the name is taken. */
  async add(name: string, descriptors: readonly NewWatchDescriptor[], now = Date.now()): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const r = await tx.get<{ id: number }>('INSERT INTO watch_entries (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id', [name, now]);
      if (r === undefined) return null;
      for (const d of descriptors) {
        await tx.run(
          'INSERT INTO watch_descriptors (entry_id, descriptor, source, face_box, photo, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          [r.id, encodeDescriptor(d.descriptor), d.source, JSON.stringify(d.box), d.photo ?? null, now],
        );
      }
      return r.id;
    });
  }

  /** Removes an entry and its descriptors (its alerts stay, with its name); false when there is none. */
  async remove(name: string): Promise<boolean> {
    const r = await this.db.run('DELETE FROM watch_entries WHERE name = ?', [name]);
    return r.changes > 0;
  }

  async list(): Promise<WatchEntryRow[]> {
    const rows = await this.db.all<{ id: number; name: string; createdAt: number; descriptors: number; sources: string | null; photosKept: number | null }>(
      `SELECT e.id, e.name, e.created_at AS "createdAt", count(d.id) AS descriptors,
              ${this.db.sql.groupLines('d.source', 'd.id')} AS sources, sum(CASE WHEN d.photo IS NOT NULL THEN 1 ELSE 0 END) AS "photosKept"
       FROM watch_entries e LEFT JOIN watch_descriptors d ON d.entry_id = e.id
       GROUP BY e.id ORDER BY e.name`,
    );
    return rows.map((r) => ({ ...r, sources: r.sources ? r.sources.split('\n') : [], photosKept: r.photosKept ?? 0 }));
  }

  /** Every enrolled descriptor with its entry (the daemon's matcher). */
  async descriptors(): Promise<WatchDescriptorRow[]> {
    const rows = await this.db.all<{ entryId: number; name: string; descriptor: Buffer }>(
      `SELECT e.id AS "entryId", e.name, d.descriptor FROM watch_descriptors d JOIN watch_entries e ON e.id = d.entry_id ORDER BY d.id`,
    );
    return rows.map((r) => ({ entryId: r.entryId, name: r.name, descriptor: decodeDescriptor(r.descriptor) }));
  }

  /**
   * Changes whenever the list changes: ids are never reused, so an addition raises the highest
   * id and a removal lowers the count.
   */
  async signature(): Promise<string> {
    const r = await this.db.get<{ n: number; m: number | null }>('SELECT count(*) AS n, max(id) AS m FROM watch_descriptors');
    return `${r?.n ?? 0}:${r?.m ?? 0}`;
  }
}
