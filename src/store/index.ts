/**
 * The store: one SQLite database per storage folder, reached only through its repositories.
 * The source of truth for faces and people; which face is which person is decided in src/people.
 */
import { Database, type OpenOptions } from './db.js';
import { CamerasRepository } from './cameras.js';
import { FacesRepository } from './faces.js';
import { PeopleRepository } from './people.js';
import { ConstraintsRepository } from './constraints.js';
import { MetaRepository } from './meta.js';
import { RequestsRepository } from './requests.js';
import { TracksRepository } from './tracks.js';
import { WatchRepository } from './watch.js';
import { AlertsRepository } from './alerts.js';
import { UsersRepository } from './users.js';
import { AuditRepository } from './audit.js';
import { DeskReader } from './desk.js';

export { Database, DB_FILE } from './db.js';
export type { TxHandle } from './db.js';
export * from './cameras.js';
export * from './faces.js';
export * from './people.js';
export * from './constraints.js';
export * from './meta.js';
export * from './requests.js';
export * from './tracks.js';
export * from './watch.js';
export * from './alerts.js';
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
  users: UsersRepository;
  audit: AuditRepository;
  /** Reads for the review page and the seen-with/route analyses. */
  desk: DeskReader;
  close(): Promise<void>;
}

export async function openStore(dir: string, options: OpenOptions = {}): Promise<Store> {
  const db = await Database.open(dir, options);
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
    users: new UsersRepository(db),
    audit: new AuditRepository(db),
    desk: new DeskReader(db),
    close: () => db.close(),
  };
}
