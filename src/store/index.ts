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
    close: () => db.close(),
  };
}
