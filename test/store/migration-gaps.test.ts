/**
 * Migrations are applied by what is missing, not by the highest number: a store that has a
 * later migration (made on a branch merged earlier) still gets an earlier one. Read-only opens of
 * a store missing a migration are refused with the fix, and leave the file untouched.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sqlite3 from 'sqlite3';
import { isFaceidxError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { DB_FILE, openStore } from '../../src/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'faceidx-gaps-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * A store file with every migration applied and recorded but the requests table's (2), as a
 * store made by a branch whose later migrations landed first would be.
 */
async function storeWithGap(name: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir);
  const applied = MIGRATIONS.filter((m) => m.version !== 2);
  assert.ok(applied.some((m) => m.version > 2), 'a gap needs a migration after the one left out');
  const sql = `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
    ${applied.map((m) => `${m.sql}; INSERT INTO schema_migrations VALUES (${m.version}, 'x', 0);`).join('\n')}`;
  await new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, DB_FILE), (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
  return dir;
}

test('an earlier migration missing under a later one is applied on open', async () => {
  const dir = await storeWithGap('rw');
  const store = await openStore(dir);
  try {
    const rows = await store.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version).sort((x, y) => x - y));
    assert.equal((await store.requests.pending()).length, 0, 'the requests table (migration 2) exists');
  } finally {
    await store.close();
  }
});

test('a read-only open of a store missing a migration is refused and leaves the file as it was', async () => {
  const dir = await storeWithGap('ro');
  const before = createHash('sha256').update(readFileSync(join(dir, DB_FILE))).digest('hex');
  await assert.rejects(openStore(dir, { readonly: true }), (err: unknown) => {
    assert.ok(isFaceidxError(err, 'FACEIDX_DB_OLDER'));
    assert.match(err.message, /older than this faceidx reads.*start the daemon/);
    return true;
  });
  assert.equal(createHash('sha256').update(readFileSync(join(dir, DB_FILE))).digest('hex'), before);
});
