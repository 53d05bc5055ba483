import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends } from '../helpers/store-backends.js';
import { openStore, type Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

/** A repository test, once per backend (SQLite and a throwaway PostgreSQL). */
function testBoth(name: string, fn: (open: () => Promise<Store>) => Promise<void>): void {
  for (const b of backends) test(`${b.name}: ${name}`, () => fn(b.open));
}

const tmp = () => join(mkdtempSync(join(tmpdir(), 'faceidx-watch-')), 'state');
const box = { x: 1, y: 2, width: 30, height: 40 };
const vec = (s: number) => new Float32Array(128).map((_, i) => Math.sin(s + i));

test('a migration missing below the highest applied one is still applied (feature numbers land out of order)', async () => {
  const dir = tmp();
  const a = await openStore(dir);
  await a.db.exec("DROP TABLE requests; DELETE FROM schema_migrations WHERE version = 2");
  await a.close();
  const b = await openStore(dir);
  const versions = (await b.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
  assert.deepEqual(versions, MIGRATIONS.map((m) => m.version).sort((x, y) => x - y));
  assert.equal(typeof (await b.requests.enqueue('recluster', {})), 'number');
  await b.close();
});

testBoth('watch entries: unique names, descriptors round-trip, photos only when given, a signature that follows changes', async (open) => {
  const store = await open();
  const empty = await store.watch.signature();
  const id = await store.watch.add('alice', [
    { descriptor: vec(1), source: 'a1.jpg', box },
    { descriptor: vec(2), source: 'a2.jpg', box, photo: Buffer.from('photo') },
  ]);
  assert.ok(id);
  assert.equal(await store.watch.add('alice', [{ descriptor: vec(3), source: 'x.jpg', box }]), null);
  const afterAdd = await store.watch.signature();
  assert.notEqual(afterAdd, empty);
  await store.watch.add('bob', [{ descriptor: vec(4), source: 'b.jpg', box }]);
  const list = await store.watch.list();
  assert.deepEqual(list.map((e) => [e.name, e.descriptors, e.photosKept, e.sources]), [['alice', 2, 1, ['a1.jpg', 'a2.jpg']], ['bob', 1, 0, ['b.jpg']]]);
  const ds = await store.watch.descriptors();
  assert.deepEqual(ds.map((d) => d.name), ['alice', 'alice', 'bob']);
  assert.deepEqual(Array.from(ds[1]!.descriptor), Array.from(vec(2)));
  const beforeRemove = await store.watch.signature();
  assert.equal(await store.watch.remove('bob'), true);
  assert.equal(await store.watch.remove('bob'), false);
  assert.notEqual(await store.watch.signature(), beforeRemove);
  assert.deepEqual((await store.watch.descriptors()).map((d) => d.name), ['alice', 'alice']);
  await store.close();
});

testBoth('alerts: one per entry, camera and track; deliveries per channel; due, sent and failed', async (open) => {
  const store = await open();
  const entryId = (await store.watch.add('alice', [{ descriptor: vec(1), source: 'a.jpg', box }]))!;
  const alert = { entryId, entryName: 'alice', cameraId: 'lobby', trackId: 5, faceId: 9, personId: null, ts: 5000, distance: 0.31, thumbnail: null };
  const id = await store.alerts.insert(alert, ['log', 'webhook'], 1000);
  assert.ok(id);
  assert.equal(await store.alerts.insert({ ...alert, faceId: 10, distance: 0.2 }, ['log', 'webhook']), null);
  assert.ok(await store.alerts.insert({ ...alert, cameraId: 'gate' }, ['log'], 1000));
  assert.deepEqual((await store.alerts.due('webhook', 999)).map((d) => d.id), []);
  assert.deepEqual((await store.alerts.due('webhook', 1000)).map((d) => d.id), [id]);
  await store.alerts.markFailed(id!, 'webhook', 'ECONNREFUSED', 3000);
  assert.deepEqual(await store.alerts.due('webhook', 2999), []);
  assert.equal(await store.alerts.nextDue('webhook'), 3000);
  await store.alerts.markSent(id!, 'webhook', 3100);
  assert.equal(await store.alerts.nextDue('webhook'), undefined);
  await store.alerts.markFailed(id!, 'log', 'x', null);
  const [a] = await store.alerts.list({ since: 5000 });
  assert.deepEqual(a!.deliveries.map((d) => [d.channel, d.state, d.attempts, d.lastError]), [['log', 'failed', 1, 'x'], ['webhook', 'sent', 2, null]]);
  assert.deepEqual(await store.alerts.pendingCounts(), { log: 1 });
  assert.equal((await store.alerts.list({ since: 5001 })).length, 0);
  await store.close();
});
