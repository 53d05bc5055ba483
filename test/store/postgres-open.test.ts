/**
 * Opening the PostgreSQL store: every migration has its PostgreSQL twin, a store written by a
 * newer faceidx is refused and left as it is, read-only opens write nothing, a database without
 * faceidx's tables is "missing" for readers, and the portable `?` placeholders are numbered
 * outside strings, quoted names and comments only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { describePgUrl, numbered } from '../../src/store/postgres.js';
import { LATEST_VERSION, MIGRATIONS, migrationsFor } from '../../src/store/migrations.js';
import { isFaceidxError } from '../../src/errors.js';
import { freshPgUrl } from '../helpers/store-backends.js';

test('placeholders are numbered outside quoted strings, quoted names and comments', () => {
  assert.equal(numbered("SELECT '?', \"a?b\", ? -- what?\n, ? FROM t WHERE x = 'it''s?' AND y = ?"), "SELECT '?', \"a?b\", $1 -- what?\n, $2 FROM t WHERE x = 'it''s?' AND y = $3");
});

test('the URL is printed without its password or query: host, socket folder, IPv6', () => {
  assert.equal(describePgUrl('postgresql://edge:p%40ss:w@db.example:6432/faceidx?sslmode=verify-full&password=x'), 'postgresql://edge@db.example:6432/faceidx');
  assert.equal(describePgUrl('postgresql://postgres@/t1?host=%2Ftmp%2Fpg&port=5433'), 'postgresql://postgres@/tmp/pg:5433/t1');
  assert.equal(describePgUrl('postgres://u:secret@[::1]:5432/db'), 'postgres://u@[::1]:5432/db');
  assert.equal(describePgUrl('postgresql://db.example/faceidx'), 'postgresql://db.example:5432/faceidx');
  assert.doesNotMatch(describePgUrl('not a url with secret'), /secret/);
});

test('every migration has its PostgreSQL twin, in the same order', () => {
  assert.deepEqual(migrationsFor('postgres').map((m) => [m.version, m.name]), migrationsFor('sqlite').map((m) => [m.version, m.name]));
  assert.equal(migrationsFor('postgres').length, MIGRATIONS.length);
});

test('a PostgreSQL store from a newer faceidx is refused and left as it was; read-only opens write nothing', async () => {
  const url = await freshPgUrl();
  await assert.rejects(openStore({ backend: 'postgres', url }, { readonly: true }), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_MISSING'));
  const store = await openStore({ backend: 'postgres', url });
  assert.equal(await store.db.schemaVersion(), LATEST_VERSION);
  await store.db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)', [LATEST_VERSION + 1, 'future']);
  await store.close();
  await assert.rejects(openStore({ backend: 'postgres', url }), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_NEWER') && /newer than this faceidx/.test((err as Error).message));
  const again = await openStore({ backend: 'postgres', url: url }, { readonly: true }).catch((e: unknown) => e);
  assert.ok(isFaceidxError(again, 'FACEIDX_DB_NEWER'));

  const fresh = await freshPgUrl();
  await (await openStore({ backend: 'postgres', url: fresh })).close();
  const reader = await openStore({ backend: 'postgres', url: fresh }, { readonly: true });
  await assert.rejects(reader.cameras.upsert({ id: 'x', url: 'x', kind: 'file' }), /read-only transaction/);
  await reader.close();
});
