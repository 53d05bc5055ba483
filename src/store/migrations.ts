/**
 * Numbered schema migrations. Each runs once, in its own transaction, and is recorded in
 * `schema_migrations`; a file whose highest version is above LATEST_VERSION is refused.
 * Never edit a released migration: add the next number.
 */
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
    version: 5,
    name: 'footage time: where each sighting is in its source, and which clock its time comes from',
    sql: `
      ALTER TABLE faces ADD COLUMN source TEXT;          -- the video or image file (absolute path); NULL for live streams
      ALTER TABLE faces ADD COLUMN frame_index INTEGER;  -- files: the frame's index in the source (frame_pos is its offset in seconds)
      ALTER TABLE cameras ADD COLUMN time_source TEXT;   -- creation_time | startTime | mtime | receive: the clock of its faces' ts
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
