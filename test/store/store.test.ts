import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { backends } from '../helpers/store-backends.js';
import { type Store, openStore, DB_FILE, type NewFace } from '../../src/store/index.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.js';
import { FaceidxError } from '../../src/errors.js';

/** A repository test, once per backend (SQLite and a throwaway PostgreSQL). */
function testBoth(name: string, fn: (open: () => Promise<Store>) => Promise<void>): void {
  for (const b of backends) test(`${b.name}: ${name}`, () => fn(b.open));
}

const tmp = () => join(mkdtempSync(join(tmpdir(), 'faceidx-store-')), 'state');

function face(cameraId: string, ts: number, faceIdx = 0, seed = 1): NewFace {
  const descriptor = new Float32Array(128).map((_, i) => Math.sin(seed * 31 + i) * 0.1);
  return {
    cameraId, ts, framePos: ts / 1000, faceIdx,
    box: { x: 10, y: 20, width: 50, height: 60 },
    score: 0.9, quality: 60, clusterable: true, descriptor, thumbnail: Buffer.from([0xff, 0xd8, 0xff]),
  };
}

async function rawExec(file: string, sql: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a fresh store creates a 0700 folder and a 0600 file and applies every migration', async () => {
  const dir = tmp();
  const store = await openStore(dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, DB_FILE)).mode & 0o777, 0o600);
  assert.equal(await store.db.schemaVersion(), LATEST_VERSION);
  const rows = await store.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  const mode = await store.db.get<{ journal_mode: string }>('PRAGMA journal_mode');
  assert.equal(mode?.journal_mode, 'wal');
  const fk = await store.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys');
  assert.equal(fk?.foreign_keys, 1);
  await store.close();
});

test('opening again is a no-op for migrations and keeps the data', async () => {
  const dir = tmp();
  const a = await openStore(dir);
  await a.cameras.upsert({ id: 'lobby', url: 'x.mp4', kind: 'file' });
  await a.close();
  const b = await openStore(dir);
  const rows = await b.db.all('SELECT version FROM schema_migrations');
  assert.equal(rows.length, MIGRATIONS.length);
  assert.equal((await b.cameras.list()).length, 1);
  await b.close();
});

test('a database from a newer schema is refused and left byte-for-byte untouched', async () => {
  const dir = tmp();
  const s = await openStore(dir);
  await s.close();
  const file = join(dir, DB_FILE);
  await rawExec(file, `PRAGMA journal_mode = DELETE; INSERT INTO schema_migrations VALUES (${LATEST_VERSION + 1}, 'future', 0)`);
  const before = sha(file);
  await assert.rejects(openStore(dir), (err: unknown) => {
    assert.ok(err instanceof FaceidxError);
    assert.equal(err.code, 'FACEIDX_DB_NEWER');
    assert.match(err.message, new RegExp(`schema version ${LATEST_VERSION + 1}`));
    return true;
  });
  await assert.rejects(openStore(dir, { readonly: true }), /newer than this faceidx/);
  assert.equal(sha(file), before);
  assert.equal(existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0, false);
});

test('read-only open of a missing database says how to fix it', async () => {
  await assert.rejects(openStore(tmp(), { readonly: true }), (err: unknown) => {
    assert.ok(err instanceof FaceidxError);
    assert.equal(err.code, 'FACEIDX_DB_MISSING');
    assert.match(err.message, /faceidx run --config/);
    return true;
  });
});

test('a file that is not a database is a clear storage error', async () => {
  const dir = tmp();
  const s = await openStore(dir);
  await s.close();
  await import('node:fs').then((fs) => {
    fs.rmSync(join(dir, `${DB_FILE}-wal`), { force: true });
    fs.rmSync(join(dir, `${DB_FILE}-shm`), { force: true });
    fs.writeFileSync(join(dir, DB_FILE), 'this is not sqlite'.repeat(100));
  });
  await assert.rejects(openStore(dir), (err: unknown) => err instanceof FaceidxError && err.code === 'FACEIDX_STORAGE');
});

testBoth('faces: insert, dedupe of a frame stored twice, descriptors round-trip, counts', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'lobby', url: 'x.mp4', kind: 'file' });
  const ids = await store.faces.insertMany([face('lobby', 1000, 0, 1), face('lobby', 1000, 1, 2), face('lobby', 2000, 0, 3)]);
  assert.equal(ids.filter((x) => x !== null).length, 3);
  const again = await store.faces.insertMany([face('lobby', 1000, 0, 1), face('lobby', 3000, 0, 4)]);
  assert.equal(again[0], null);
  assert.equal(typeof again[1], 'number');
  assert.deepEqual(await store.faces.count(), { faces: 4, clusterable: 4 });
  const d = await store.faces.descriptor(ids[1]!);
  assert.deepEqual(Array.from(d!), Array.from(face('lobby', 1000, 1, 2).descriptor));
  const row = await store.faces.get(ids[0]!);
  assert.deepEqual(row?.box, { x: 10, y: 20, width: 50, height: 60 });
  const vectors = await store.faces.vectorsAfter(ids[0]!, 10);
  assert.deepEqual(vectors.map((v) => v.id), [ids[1], ids[2], again[1]]);
  assert.deepEqual(await store.faces.idsOlderThan(2000), [ids[0], ids[1]]);
  await store.close();
});

testBoth('faces must belong to a known camera (foreign keys are on)', async (open) => {
  const store = await open();
  await assert.rejects(store.faces.insertMany([face('ghost', 1)]), /FOREIGN KEY|foreign key/);
  assert.deepEqual(await store.faces.count(), { faces: 0, clusterable: 0 });
  await store.close();
});

testBoth('people: assignments, labels, summaries with filters, sightings, retire and resolve', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  await store.cameras.upsert({ id: 'b', url: 'b.mp4', kind: 'file' });
  const [f1, f2, f3, f4] = (await store.faces.insertMany([face('a', 1000), face('b', 5000), face('a', 9000), face('b', 2000)])) as number[];
  const p1 = await store.people.create();
  const p2 = await store.people.create();
  await store.people.assign([[f1!, p1], [f2!, p1], [f3!, p1], [f4!, p2]]);
  await store.people.setLabel(p1, 'Alice');
  const all = await store.people.list();
  assert.deepEqual(all[0], { id: p1, label: 'Alice', faces: 3, cameras: ['a', 'b'], firstSeen: 1000, lastSeen: 9000, tracks: 0, identified: true });
  assert.deepEqual(all[1], { id: p2, label: null, faces: 1, cameras: ['b'], firstSeen: 2000, lastSeen: 2000, tracks: 0, identified: true });
  assert.deepEqual((await store.people.list({ minFaces: 2 })).map((p) => p.id), [p1]);
  assert.deepEqual((await store.people.list({ camera: 'b' })).map((p) => p.id), [p1, p2]);
  assert.deepEqual((await store.people.list({ since: 3000 })).map((p) => p.id), [p1]);
  assert.deepEqual((await store.people.sightings(p1)).map((s) => s.ts), [1000, 5000, 9000]);
  await store.people.assign([[f4!, p1]]);
  await store.people.retire(p2, p1);
  assert.equal(await store.people.resolve(p2), p1);
  assert.equal(await store.people.exists(p2), false);
  assert.equal((await store.people.list()).length, 1);
  await store.faces.deleteIds([f1!]);
  assert.deepEqual(await store.people.faceIds(p1), [f2, f3, f4]);
  await store.close();
});

testBoth('constraints are stored once per pair and vanish with their faces', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  const [f1, f2] = (await store.faces.insertMany([face('a', 1), face('a', 2)])) as number[];
  await store.constraints.add('cannot_link', f2!, f1!);
  await store.constraints.add('cannot_link', f1!, f2!);
  await store.constraints.add('must_link', f1!, f2!);
  const list = await store.constraints.list();
  assert.equal(list.length, 2);
  assert.deepEqual(list.map((c) => [c.kind, c.faceA, c.faceB]), [['cannot_link', f1, f2], ['must_link', f1, f2]]);
  await store.faces.deleteIds([f2!]);
  assert.equal((await store.constraints.list()).length, 0);
  await store.close();
});

testBoth('a merge outlives the faces it was recorded on: purge, delete and erase re-link the faces left', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  // One merge recorded as a star on the oldest face f1; f6 is cannot-linked to f1 only.
  const [f1, f2, f3, f4, f5, f6] = (await store.faces.insertMany([1, 2, 3, 4, 5, 6].map((t) => face('a', t * 1000)))) as number[];
  for (const f of [f2!, f3!, f4!, f5!]) await store.constraints.add('must_link', f1!, f);
  await store.constraints.add('cannot_link', f1!, f6!);
  const links = async () => (await store.constraints.list('must_link')).map((c) => [c.faceA, c.faceB]);
  await store.people.purgeBefore(1500); // the hub f1 goes
  assert.deepEqual(await links(), [[f2, f3], [f2, f4], [f2, f5]]);
  await store.faces.deleteIds([f2!]);
  assert.deepEqual(await links(), [[f3, f4], [f3, f5]]);
  const p = await store.people.create();
  await store.people.assign([[f3!, p], [f4!, p]]);
  await store.people.erase(p); // f3 and f4 go; a lone f5 needs no link
  assert.deepEqual(await links(), []);
  assert.equal((await store.constraints.list('cannot_link')).length, 0, 'a cannot-link goes with its face');
  await store.close();
});

testBoth('"this face is not this person" outlives the faces it was recorded on: the link moves to a face the person keeps', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  const [f1, f2, f3, x, y] = (await store.faces.insertMany([1, 2, 3, 4, 5].map((t) => face('a', t * 1000)))) as number[];
  const p = await store.people.create();
  const q = await store.people.create();
  await store.people.assign([[f1!, p], [f2!, p], [f3!, p], [x!, q], [y!, q]]);
  // `faceidx not x p` recorded against p's oldest face only.
  await store.constraints.add('cannot_link', x!, f1!);
  const cannot = async () => (await store.constraints.list('cannot_link')).map((c) => [c.faceA, c.faceB]);
  await store.people.purgeBefore(1500); // f1 goes: x is still not p, now through p's newest face
  assert.deepEqual(await cannot(), [[f3, x]]);
  await store.faces.deleteIds([f3!, f2!]); // p has no face left: nothing to point at
  assert.deepEqual(await cannot(), []);
  await store.constraints.add('cannot_link', y!, x!);
  await store.people.erase(q); // both sides go
  assert.deepEqual(await cannot(), []);
  await store.close();
});

testBoth('a failed transaction leaves nothing behind and feed progress only moves forward', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  await assert.rejects(store.faces.insertMany([face('a', 1), face('nope', 2)]));
  assert.equal((await store.faces.count()).faces, 0);
  await store.cameras.setProgress('a', 10);
  await store.cameras.setProgress('a', 5);
  assert.equal((await store.cameras.progress('a'))?.position, 10);
  await store.cameras.setProgress('a', 12, true);
  assert.deepEqual({ ...(await store.cameras.progress('a')), updatedAt: 0 }, { cameraId: 'a', position: 12, done: true, updatedAt: 0 });
  await store.meta.set('k', 'v1');
  await store.meta.set('k', 'v2');
  assert.equal(await store.meta.get('k'), 'v2');
  await store.close();
});

testBoth('face and person ids are never reused after a delete (the index names faces by id)', async (open) => {
  const store = await open();
  await store.cameras.upsert({ id: 'a', url: 'a.mp4', kind: 'file' });
  const [, f2] = (await store.faces.insertMany([face('a', 1), face('a', 2)])) as number[];
  const p = await store.people.create();
  await store.people.assign([[f2!, p]]);
  await store.people.erase(p);
  const [f3] = (await store.faces.insertMany([face('a', 3)])) as number[];
  assert.ok(f3! > f2!, `new face id ${f3} after deleted ${f2}`);
  assert.ok((await store.people.create()) > p);
  await store.close();
});
