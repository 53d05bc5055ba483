/**
 * Numbered schema migrations. Each runs once, in its own transaction, and is recorded in
 * `schema_migrations`; a store whose highest version is above LATEST_VERSION is refused.
 * Never edit a released migration: add the next number. `MIGRATIONS` is the SQLite text; the
 * same numbers exist for PostgreSQL in migrations-pg.ts (a test checks that each has its twin).
 */
import { FaceidxError } from '../errors.js';
import type { Backend, Database } from './db.js';
import { POSTGRES_MIGRATIONS } from './migrations-pg.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE cameras (
        id            TEXT PRIMARY KEY,
        url           TEXT NOT NULL,              -- with any password replaced by ***
        kind          TEXT NOT NULL,              -- file | folder | rtsp | http
        added_at      INTEGER NOT NULL,           -- ms since the epoch
        last_frame_at INTEGER
      );
      CREATE TABLE faces (
        id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: the index and constraints name faces by id
        camera_id   TEXT NOT NULL REFERENCES cameras(id),
        ts          INTEGER NOT NULL,             -- wall-clock time of the frame, ms since the epoch
        frame_pos   REAL NOT NULL,                -- seconds from the start of the feed (files) or frame number
        face_idx    INTEGER NOT NULL,             -- position of the face within its frame
        x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,  -- box in frame pixels
        score       REAL NOT NULL,                -- detector score
        quality     REAL NOT NULL,                -- quality measure used by the gate
        clusterable INTEGER NOT NULL,             -- 1 when the face passed the quality gate
        descriptor  BLOB NOT NULL,                -- 128 float32, little endian
        thumbnail   BLOB,                         -- JPEG
        created_at  INTEGER NOT NULL,
        UNIQUE (camera_id, ts, face_idx)
      );
      CREATE INDEX faces_by_camera_time ON faces(camera_id, ts);
      CREATE INDEX faces_by_time ON faces(ts);
      CREATE TABLE people (
        id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a forgotten id stays forgotten
        created_at  INTEGER NOT NULL,
        retired_at  INTEGER,                      -- set when a merge or split ends this id
        merged_into INTEGER REFERENCES people(id)
      );
      CREATE TABLE face_person (
        face_id     INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
        person_id   INTEGER NOT NULL REFERENCES people(id),
        assigned_at INTEGER NOT NULL
      );
      CREATE INDEX face_person_by_person ON face_person(person_id);
      CREATE TABLE labels (
        person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        name      TEXT NOT NULL,
        set_at    INTEGER NOT NULL
      );
      CREATE TABLE constraints (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('must_link', 'cannot_link')),
        face_a     INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
        face_b     INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        CHECK (face_a < face_b),
        UNIQUE (kind, face_a, face_b)
      );
      CREATE TABLE feed_progress (
        camera_id  TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
        position   REAL NOT NULL,                 -- frame_pos of the last frame fully stored
        done       INTEGER NOT NULL DEFAULT 0,    -- a finite feed that reached its end
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'requests from the CLI to a running daemon',
    sql: `
      CREATE TABLE requests (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,               -- merge | not | recluster | forget | purge
        args       TEXT NOT NULL,               -- JSON
        created_at INTEGER NOT NULL,
        done_at    INTEGER,
        result     TEXT,                        -- JSON, when it succeeded
        error      TEXT                         -- JSON {code, message}, when it failed
      );
      CREATE INDEX requests_pending ON requests(done_at) WHERE done_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'face tracks',
    sql: `
      CREATE TABLE tracks (
        id            INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
        camera_id     TEXT NOT NULL REFERENCES cameras(id),
        first_ts      INTEGER NOT NULL,            -- ms since the epoch, first face
        last_ts       INTEGER NOT NULL,            -- ms since the epoch, last face
        first_pos     REAL NOT NULL,               -- frame_pos of the first face
        last_pos      REAL NOT NULL,               -- frame_pos of the last face
        faces         INTEGER NOT NULL DEFAULT 0,  -- stored faces of the track
        best_face_id  INTEGER REFERENCES faces(id) ON DELETE SET NULL,
        quality       REAL NOT NULL DEFAULT 0,     -- the best face's track quality, 0-1 (src/tracks/quality.ts)
        descriptor    BLOB,                        -- aggregate: quality-weighted mean of the best faces, 128 float32
        identifiable  INTEGER NOT NULL DEFAULT 0,  -- 1 when a face of the track passed the quality gate
        closed_at     INTEGER,                     -- NULL while the track may still grow
        end_reason    TEXT,                        -- gap | scene | resize | restart | jump | still | feed-end | interrupted | migrated
        created_at    INTEGER NOT NULL
      );
      CREATE INDEX tracks_open ON tracks(camera_id) WHERE closed_at IS NULL;
      CREATE INDEX tracks_by_camera_time ON tracks(camera_id, first_ts);
      ALTER TABLE faces ADD COLUMN track_id INTEGER REFERENCES tracks(id);
      -- Faces stored before tracks existed: one closed track each, with the face's own id.
      INSERT INTO tracks (id, camera_id, first_ts, last_ts, first_pos, last_pos, faces, best_face_id, quality, descriptor, identifiable, closed_at, end_reason, created_at)
        SELECT id, camera_id, ts, ts, frame_pos, frame_pos, 1, id, 0, descriptor, clusterable, created_at, 'migrated', created_at FROM faces;
      UPDATE faces SET track_id = id;
      CREATE INDEX faces_by_track ON faces(track_id);
    `,
  },
  {
    version: 4,
    name: 'watch list and alerts',
    sql: `
      CREATE TABLE watch_entries (
        id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: alerts name the entry they matched
        name       TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE watch_descriptors (
        id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: (count, max id) tells the daemon the list changed
        entry_id   INTEGER NOT NULL REFERENCES watch_entries(id) ON DELETE CASCADE,
        descriptor BLOB NOT NULL,                   -- 128 float32, little endian
        source     TEXT NOT NULL,                   -- file name of the enrolled photo
        face_box   TEXT NOT NULL,                   -- JSON {x, y, width, height} of the face taken, photo pixels
        photo      BLOB,                            -- the photo itself, only with watch add --keep-photo
        created_at INTEGER NOT NULL
      );
      CREATE INDEX watch_descriptors_by_entry ON watch_descriptors(entry_id);
      CREATE TABLE alerts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id   INTEGER REFERENCES watch_entries(id) ON DELETE SET NULL,
        entry_name TEXT NOT NULL,                   -- kept when the entry is removed
        camera_id  TEXT NOT NULL,
        track_id   INTEGER NOT NULL,
        face_id    INTEGER,                         -- the face that matched (no foreign key: retention may forget it, the alert stays)
        person_id  INTEGER,
        ts         INTEGER NOT NULL,                -- time of the sighting, ms since the epoch
        distance   REAL NOT NULL,                   -- smallest descriptor distance to the entry's photos
        thumbnail  BLOB,                            -- JPEG of the face (copied: delivered even after the face is forgotten)
        created_at INTEGER NOT NULL,
        UNIQUE (entry_id, camera_id, track_id)      -- one alert per watch entry and track
      );
      CREATE INDEX alerts_by_time ON alerts(ts);
      CREATE TABLE alert_deliveries (               -- the outbox: one row per alert and channel
        alert_id        INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel         TEXT NOT NULL CHECK (channel IN ('webhook', 'mqtt', 'log')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,           -- ms since the epoch
        last_error      TEXT,
        sent_at         INTEGER,
        PRIMARY KEY (alert_id, channel)
      );
      CREATE INDEX alert_deliveries_due ON alert_deliveries(channel, next_attempt_at) WHERE state = 'pending';
    `,
  },
  {
    version: 5,
    name: 'footage time: where each sighting is in its source, and which clock its time comes from',
    sql: `
      ALTER TABLE faces ADD COLUMN source TEXT;          -- the video or image file (absolute path); NULL for live streams
      ALTER TABLE faces ADD COLUMN frame_index INTEGER;  -- files: the frame's index in the source (frame_pos is its offset in seconds)
      ALTER TABLE cameras ADD COLUMN time_source TEXT;   -- creation_time | startTime | mtime | receive: the clock of its faces' ts
    `,
  },
  {
    version: 6,
    name: 'looping files: which pass over the file a sighting came from (frame_pos is its offset within the file)',
    sql: `
      ALTER TABLE faces ADD COLUMN source_loop INTEGER;  -- cameras with loop: true: 0, 1, 2... (NULL otherwise)
    `,
  },
  {
    version: 7,
    name: 'sites: a central PostgreSQL store fed by edge daemons',
    // SQLite is an edge's spool: faces ship by id, tracks by the time of their last change.
    // The PostgreSQL twin adds the sites, where each row came from and the ingest function.
    sql: `
      ALTER TABLE tracks ADD COLUMN updated_at INTEGER;  -- ms since the epoch of the track's last change (the edge ships changed tracks)
      UPDATE tracks SET updated_at = coalesce(closed_at, created_at);
      CREATE INDEX tracks_by_update ON tracks(updated_at);
    `,
  },
  {
    version: 8,
    name: 'users of the review page and the audit log of review actions',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL UNIQUE,
        role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'read-only')),
        password_hash TEXT NOT NULL,               -- scrypt$N$r$p$salt$hash (base64), src/web/passwords.ts
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL             -- changes with the password or role: ends that user's sessions
      );
      CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,                -- ms since the epoch
        actor     TEXT NOT NULL,                   -- web:<user> | cli:<system user>
        action    TEXT NOT NULL,                   -- label | merge | not | not-track | forget | watch-add | watch-remove | undo
        summary   TEXT NOT NULL,                   -- one line for people
        details   TEXT NOT NULL,                   -- JSON: arguments, result and what an undo needs
        undone_by INTEGER                          -- the audit row of the undo, once undone
      );
      CREATE INDEX audit_log_by_time ON audit_log(at);
      -- The review page's people grid aggregates every face per person: this index holds every
      -- column it reads (and the id), so the face rows (mostly their thumbnail) are never read.
      CREATE INDEX faces_review ON faces(camera_id, ts, clusterable);
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The migrations of one backend, in version order (PostgreSQL: the SQLite list's twins). */
export function migrationsFor(backend: Backend): Migration[] {
  const sorted = [...MIGRATIONS].sort((a, b) => a.version - b.version);
  if (backend === 'sqlite') return sorted;
  return sorted.map((m) => {
    const sql = POSTGRES_MIGRATIONS[m.version];
    if (sql === undefined) throw new FaceidxError('FACEIDX_INTERNAL', `migration ${m.version} (${m.name}) has no PostgreSQL text in src/store/migrations-pg.ts`);
    return { ...m, sql };
  });
}

/** The migrations not yet applied, in order (numbers below one already applied still run). */
export function pendingMigrations(all: readonly Migration[], applied: readonly number[]): Migration[] {
  const done = new Set(applied);
  return all.filter((m) => !done.has(m.version));
}

/**
 * Refuses a store written by a newer faceidx (never touched), and, read-only, one that lacks
 * migrations (read commands never upgrade it).
 */
export async function refuseNewer(db: Pick<Database, 'where' | 'readonly'>, applied: readonly number[]): Promise<void> {
  const version = Math.max(0, ...applied);
  if (version > LATEST_VERSION) {
    throw new FaceidxError(
      'FACEIDX_DB_NEWER',
      `${db.where} has schema version ${version}, newer than this faceidx understands (${LATEST_VERSION}); it was left untouched`,
      'run the faceidx version that wrote it, or upgrade faceidx',
    );
  }
  if (db.readonly && pendingMigrations(MIGRATIONS, applied).length > 0) {
    throw new FaceidxError(
      'FACEIDX_DB_OLDER',
      `${db.where} has schema version ${version}, older than this faceidx reads (${LATEST_VERSION}); read commands never upgrade it`,
      'start the daemon of this faceidx version once (faceidx run) so it upgrades the store, then try again',
    );
  }
}
