/**
 * The store, reached only through its repositories: SQLite, one database per storage folder (the
 * embedded default for one machine), or PostgreSQL shared by many sites (postgres.ts). The same
 * repositories serve both. The source of truth for faces and people; which face is which person
 * is decided in src/people.
 */
import type { Database, OpenOptions } from './db.js';
import { SqliteDatabase } from './sqlite.js';
import { PostgresDatabase, type PgOpenOptions } from './postgres.js';
import { CamerasRepository } from './cameras.js';
import { FacesRepository } from './faces.js';
import { PeopleRepository } from './people.js';
import { ConstraintsRepository } from './constraints.js';
import { MetaRepository } from './meta.js';
import { RequestsRepository } from './requests.js';
import { TracksRepository } from './tracks.js';
import { WatchRepository } from './watch.js';
import { AlertsRepository } from './alerts.js';
import { SpoolReader } from './spool.js';
import { UsersRepository } from './users.js';
import { AuditRepository } from './audit.js';
import { DeskReader } from './desk.js';

export { DB_FILE } from './db.js';
export type { Database, TxHandle, Backend } from './db.js';
export { SqliteDatabase } from './sqlite.js';
export { PostgresDatabase, describePgUrl } from './postgres.js';
export * from './cameras.js';
export * from './faces.js';
export * from './people.js';
export * from './constraints.js';
export * from './meta.js';
export * from './requests.js';
export * from './tracks.js';
export * from './watch.js';
export * from './alerts.js';
export { SpoolReader } from './spool.js';
export { CentralRepository, type ShipBatch, type ClusterFace } from './central.js';
export * from './users.js';
export * from './audit.js';
export * from './desk.js';
export { cutMustLinks, removeMustLinks, reviveMerged } from './review.js';
export { encodeDescriptor, decodeDescriptor, DESCRIPTOR_LENGTH } from './codec.js';

export interface Store {
  db: Database;
  cameras: CamerasRepository;
  faces: FacesRepository;
  people: PeopleRepository;
  constraints: ConstraintsRepository;
  meta: MetaRepository;
  requests: RequestsRepository;
  tracks: TracksRepository;
  watch: WatchRepository;
  alerts: AlertsRepository;
  /** An edge's store read as its shipping spool. */
  spool: SpoolReader;
  users: UsersRepository;
  audit: AuditRepository;
  /** Reads for the review page and the seen-with/route analyses. */
  desk: DeskReader;
  close(): Promise<void>;
}

/** Where a store lives: a storage folder (SQLite), or a PostgreSQL URL. */
export type StoreTarget = string | { backend: 'sqlite'; dir: string } | { backend: 'postgres'; url: string };

/** Opens a store: a folder (SQLite, created unless read-only) or a PostgreSQL URL (migrated unless read-only). */
export async function openStore(target: StoreTarget, options: OpenOptions & PgOpenOptions = {}): Promise<Store> {
  const t = typeof target === 'string' ? { backend: 'sqlite' as const, dir: target } : target;
  const db = t.backend === 'sqlite' ? await SqliteDatabase.open(t.dir, options) : await PostgresDatabase.open(t.url, options);
  return storeOver(db);
}

/** The repositories over an open database. */
export function storeOver(db: Database): Store {
  return {
    db,
    cameras: new CamerasRepository(db),
    faces: new FacesRepository(db),
    people: new PeopleRepository(db),
    constraints: new ConstraintsRepository(db),
    meta: new MetaRepository(db),
    requests: new RequestsRepository(db),
    tracks: new TracksRepository(db),
    watch: new WatchRepository(db),
    alerts: new AlertsRepository(db),
    spool: new SpoolReader(db),
    users: new UsersRepository(db),
    audit: new AuditRepository(db),
    desk: new DeskReader(db),
    close: () => db.close(),
  };
}
