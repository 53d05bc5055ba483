/**
 * Copies a whole store into an empty PostgreSQL store (`faceidx store copy`), keeping every id:
 * cameras, tracks, faces (with their descriptors and thumbnails), people, assignments, labels,
 * constraints, the watch list and alerts. The rows become `site`'s (cameras, tracks and faces
 * carry it; a face's id there is its id here), so the old daemon can keep running as an edge of
 * that site afterwards without shipping its faces twice. One transaction: all or nothing.
 */
import { FaceidxError } from '../errors.js';
import type { Database, SqlParam, TxHandle } from './db.js';
import { syncIdentity } from './migrations-pg.js';
import type { PostgresDatabase } from './postgres.js';

interface TableCopy {
  table: string;
  /** Columns read from the source, in order. */
  columns: string[];
  /** Columns added on the target with a fixed value per copy (the site). */
  site?: string[];
  /** Extra column written as another column's value (faces.local_id = id). */
  alias?: Record<string, string>;
  /** Set by a later UPDATE (a reference to a table copied after this one). */
  deferred?: string;
  hasId?: boolean;
}

/** In dependency order. */
const TABLES: TableCopy[] = [
  { table: 'cameras', columns: ['id', 'url', 'kind', 'added_at', 'last_frame_at', 'time_source'], site: ['site_id'] },
  {
    table: 'tracks',
    columns: ['id', 'camera_id', 'first_ts', 'last_ts', 'first_pos', 'last_pos', 'faces', 'best_face_id', 'quality', 'descriptor', 'identifiable', 'closed_at', 'end_reason', 'created_at', 'updated_at'],
    site: ['site_id'],
    alias: { local_id: 'id' },
    deferred: 'best_face_id',
    hasId: true,
  },
  {
    table: 'faces',
    columns: ['id', 'camera_id', 'ts', 'frame_pos', 'face_idx', 'x', 'y', 'w', 'h', 'score', 'quality', 'clusterable', 'descriptor', 'thumbnail', 'created_at', 'track_id', 'source', 'frame_index', 'source_loop'],
    site: ['site_id'],
    alias: { local_id: 'id' },
    hasId: true,
  },
  { table: 'people', columns: ['id', 'created_at', 'retired_at', 'merged_into'], deferred: 'merged_into', hasId: true },
  { table: 'face_person', columns: ['face_id', 'person_id', 'assigned_at'] },
  { table: 'labels', columns: ['person_id', 'name', 'set_at'] },
  { table: 'constraints', columns: ['id', 'kind', 'face_a', 'face_b', 'created_at'], hasId: true },
  { table: 'watch_entries', columns: ['id', 'name', 'created_at'], hasId: true },
  { table: 'watch_descriptors', columns: ['id', 'entry_id', 'descriptor', 'source', 'face_box', 'photo', 'created_at'], hasId: true },
  { table: 'alerts', columns: ['id', 'entry_id', 'entry_name', 'camera_id', 'track_id', 'face_id', 'person_id', 'ts', 'distance', 'thumbnail', 'created_at'], hasId: true },
  { table: 'alert_deliveries', columns: ['alert_id', 'channel', 'state', 'attempts', 'next_attempt_at', 'last_error', 'sent_at'] },
];

const ROWS_PER_INSERT = 500;

export interface CopyResult {
  rows: Record<string, number>;
}

/** Copies the SQLite store `from` into `to` (which must hold no face yet). `onTable` reports progress. */
export async function copyStore(from: Database, to: PostgresDatabase, site: string, onTable?: (table: string, rows: number) => void): Promise<CopyResult> {
  if (from.backend !== 'sqlite') throw new FaceidxError('FACEIDX_USAGE', 'store copy reads a SQLite store', 'give --from the config of a daemon with storage.backend: sqlite');
  const existing = await to.get<{ n: number }>('SELECT count(*) AS n FROM faces');
  if ((existing?.n ?? 0) > 0) {
    throw new FaceidxError('FACEIDX_USAGE', `the target store ${to.where} already holds ${existing!.n} faces`, 'copy into an empty store (a new database), or let the old daemon ship its faces as an edge of a site instead');
  }
  const rows: Record<string, number> = {};
  await to.transaction(async (tx) => {
    await tx.run('INSERT INTO sites (id, role, added_at) VALUES (?, NULL, ?) ON CONFLICT (id) DO NOTHING', [site, Date.now()]);
    const later: Array<() => Promise<unknown>> = [];
    for (const t of TABLES) {
      const copied = await copyTable(from, tx, t, site);
      rows[t.table] = copied.rows;
      for (const [id, value] of copied.deferred) later.push(() => tx.run(`UPDATE ${t.table} SET ${t.deferred} = ? WHERE id = ?`, [value, id]));
      onTable?.(t.table, copied.rows);
    }
    // References to rows copied later (a track's best face, a merge's target), once all are in.
    for (const update of later) await update();
    for (const t of TABLES) if (t.hasId) await tx.exec(syncIdentity(t.table));
  });
  return { rows };
}

async function copyTable(from: Database, tx: TxHandle, t: TableCopy, site: string): Promise<{ rows: number; deferred: Array<[number, SqlParam]> }> {
  const target = [...t.columns, ...(t.site ?? []), ...Object.keys(t.alias ?? {})];
  const pending: SqlParam[][] = [];
  let n = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const row = `(${target.map(() => '?').join(', ')})`;
    const values = pending.map(() => row).join(', ');
    await tx.run(`INSERT INTO ${t.table} (${target.join(', ')}) VALUES ${values}`, pending.flat());
    n += pending.length;
    pending.length = 0;
  };
  const deferred: Array<[number, SqlParam]> = [];
  // Pages by SQLite's rowid, so a store of any size is copied in bounded memory.
  for (let last = -1; ; ) {
    const rows = await from.all<Record<string, SqlParam> & { rid: number }>(
      `SELECT rowid AS rid, ${t.columns.join(', ')} FROM ${t.table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [last, ROWS_PER_INSERT],
    );
    if (rows.length === 0) break;
    last = rows[rows.length - 1]!.rid;
    for (const r of rows) {
      const values = t.columns.map((c) => (c === t.deferred ? null : r[c] ?? null));
      if (t.deferred && r[t.deferred] !== null && r[t.deferred] !== undefined) deferred.push([r['id'] as number, r[t.deferred]!]);
      pending.push([...values, ...(t.site ?? []).map(() => site), ...Object.values(t.alias ?? {}).map((c) => r[c] ?? null)]);
    }
    await flush();
  }
  return { rows: n, deferred };
}
