/** Cameras as the store knows them, and how far each finite feed got (for resuming). */
import type { Database } from './db.js';

export interface CameraRow {
  id: string;
  url: string;
  kind: string;
  addedAt: number;
  lastFrameAt: number | null;
  /** Which clock its faces' times come from (creation_time | startTime | mtime | receive); null before schema 5 or any frame. */
  timeSource: string | null;
}

export interface FeedProgress {
  cameraId: string;
  position: number;
  done: boolean;
  updatedAt: number;
}

export class CamerasRepository {
  constructor(private readonly db: Database) {}

  /** Adds a camera or updates its (redacted) url and kind. */
  async upsert(cam: { id: string; url: string; kind: string }, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO cameras (id, url, kind, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET url = excluded.url, kind = excluded.kind`,
      [cam.id, cam.url, cam.kind, now],
    );
  }

  async list(): Promise<CameraRow[]> {
    return this.db.all<CameraRow>(
      'SELECT id, url, kind, added_at AS "addedAt", last_frame_at AS "lastFrameAt", time_source AS "timeSource" FROM cameras ORDER BY id',
    );
  }

  async get(id: string): Promise<CameraRow | undefined> {
    return this.db.get<CameraRow>(
      'SELECT id, url, kind, added_at AS "addedAt", last_frame_at AS "lastFrameAt", time_source AS "timeSource" FROM cameras WHERE id = ?',
      [id],
    );
  }

  async progress(id: string): Promise<FeedProgress | undefined> {
    const row = await this.db.get<{ cameraId: string; position: number; done: number; updatedAt: number }>(
      'SELECT camera_id AS "cameraId", position, done, updated_at AS "updatedAt" FROM feed_progress WHERE camera_id = ?',
      [id],
    );
    return row && { ...row, done: row.done === 1 };
  }

  /** Records the position of the last frame fully stored (and whether the feed reached its end). */
  async setProgress(id: string, position: number, done = false, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO feed_progress (camera_id, position, done, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(camera_id) DO UPDATE SET position = ${this.db.sql.greatest('feed_progress.position', 'excluded.position')}, done = excluded.done, updated_at = excluded.updated_at`,
      [id, position, done ? 1 : 0, now],
    );
    await this.db.run('UPDATE cameras SET last_frame_at = ? WHERE id = ?', [now, id]);
  }

  /** Records which clock the camera's sighting times come from (footage-time.ts). */
  async setTimeSource(id: string, timeSource: string): Promise<void> {
    await this.db.run('UPDATE cameras SET time_source = ? WHERE id = ?', [timeSource, id]);
  }

  async resetProgress(id: string): Promise<void> {
    await this.db.run('DELETE FROM feed_progress WHERE camera_id = ?', [id]);
  }
}
