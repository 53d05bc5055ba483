/** Small key/value facts about the store (index state, last re-cluster, ...). */
import type { Database } from './db.js';

export class MetaRepository {
  constructor(private readonly db: Database) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]);
    return r?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
  }
}
