/** The tracks repository on both backends (frames with tracks, crash closing, deletes) and SQLite migration 3. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { backends } from '../helpers/store-backends.js';
import { type Store, openStore, DB_FILE, type NewFace, type TrackWrite } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

/** A repository test, once per backend (SQLite and a throwaway PostgreSQL). */
function testBoth(name: string, fn: (open: () => Promise<Store>) => Promise<void>): void {
  for (const b of backends) test(`${b.name}: ${name}`, () => fn(b.open));
}

const tmp = () => join(mkdtempSync(join(tmpdir(), 'faceidx-tracks-')), 'state');

function face(ts: number, faceIdx: number, trackKey: number, clusterable = true): NewFace & { trackKey: number } {
  return {
    cameraId: 'cam', ts, framePos: ts / 1000, faceIdx, box: { x: 10, y: 20, width: 50, height: 60 },
    score: 0.9, quality: 60, clusterable, descriptor: new Float32Array(128).fill(faceIdx / 10), trackKey,
  };
}

function track(key: number, ts: number, extra: Partial<TrackWrite> = {}): TrackWrite {
  return {
    key, cameraId: 'cam', firstTs: 1000, lastTs: ts, firstPos: 1, lastPos: ts / 1000, quality: 0.5,
    aggregate: new Float32Array(128).fill(key), identifiable: true, ...extra,
  };
}

async function withCamera(open: () => Promise<Store>): Promise<Store> {
  const store = await open();
  await store.cameras.upsert({ id: 'cam', url: '/x.mp4', kind: 'file' });
  return store;
}

testBoth('a frame stores its faces with their tracks; later frames grow, improve and close the tracks', async (open) => {
  const store = await withCamera(open);
  const a = await store.tracks.storeFrame({ faces: [face(1000, 0, 1), face(1000, 1, 2)], tracks: [track(1, 1000, { bestFace: 0 }), track(2, 1000, { bestFace: 1, identifiable: false })] });
  assert.equal(a.faceIds.length, 2);
  const [id1, id2] = [a.trackIds.get(1)!, a.trackIds.get(2)!];
  assert.ok(id1 && id2 && id1 !== id2);
  assert.equal((await store.faces.get(a.faceIds[0]!))!.trackId, id1);
  assert.equal((await store.faces.get(a.faceIds[1]!))!.trackId, id2);
  const b = await store.tracks.storeFrame({ faces: [face(1500, 0, 1)], tracks: [track(1, 1500, { id: id1, bestFace: 0, quality: 0.8 }), track(2, 1000, { id: id2, identifiable: false, endReason: 'gap' })] });
  assert.equal(b.trackIds.get(1), id1);
  const t1 = (await store.tracks.get(id1))!;
  assert.deepEqual([t1.faces, t1.lastTs, t1.bestFaceId, t1.quality, t1.closed], [2, 1500, b.faceIds[0], 0.8, false]);
  const t2 = (await store.tracks.get(id2))!;
  assert.deepEqual([t2.faces, t2.bestFaceId, t2.identifiable, t2.closed, t2.endReason], [1, a.faceIds[1], false, true, 'gap']);
  assert.deepEqual(Array.from(await store.tracks.aggregate(id1) ?? []), Array.from(new Float32Array(128).fill(1)));
  assert.deepEqual(await store.tracks.count(), { tracks: 2, open: 1, identifiable: 1 });
  const cf = await store.tracks.constraintFaces();
  assert.deepEqual(cf.map((f) => [f.id, f.ts, f.framePos, f.trackId, f.clusterable]), [
    [a.faceIds[0], 1000, 1, id1, true], [a.faceIds[1], 1000, 1, id2, true], [b.faceIds[0], 1500, 1.5, id1, true],
  ]);
  assert.deepEqual((await store.tracks.constraintFaces(a.faceIds[1]!, 1)).map((f) => f.id), [b.faceIds[0]]);
  await store.close();
});

testBoth('a frame stored again (after a crash) adds no face and no empty track', async (open) => {
  const store = await withCamera(open);
  const first = await store.tracks.storeFrame({ faces: [face(1000, 0, 1)], tracks: [track(1, 1000, { bestFace: 0 })] });
  await store.tracks.closeOpen('interrupted');
  const again = await store.tracks.storeFrame({ faces: [face(1000, 0, 7)], tracks: [track(7, 1000, { bestFace: 0 })] });
  assert.deepEqual(again.faceIds, [null]);
  assert.equal(again.trackIds.has(7), false);
  assert.deepEqual(await store.tracks.count(), { tracks: 1, open: 0, identifiable: 1 });
  assert.equal((await store.tracks.get(first.trackIds.get(1)!))!.faces, 1);
  await store.close();
});

testBoth('closeOpen: tracks left open by a crash are closed, per camera or all, and never reopened', async (open) => {
  const store = await withCamera(open);
  await store.cameras.upsert({ id: 'b', url: '/y.mp4', kind: 'file' });
  await store.tracks.storeFrame({ faces: [face(1000, 0, 1)], tracks: [track(1, 1000)] });
  await store.tracks.storeFrame({ faces: [{ ...face(1000, 0, 2), cameraId: 'b' }], tracks: [track(2, 1000, { cameraId: 'b' })] });
  assert.equal(await store.tracks.closeOpen('feed-end', 'b'), 1);
  assert.equal((await store.tracks.list({ openOnly: true })).map((t) => t.cameraId).join(), 'cam');
  assert.equal(await store.tracks.closeOpen('interrupted'), 1);
  assert.equal(await store.tracks.closeOpen('interrupted'), 0);
  const rows = await store.tracks.list();
  assert.deepEqual(rows.map((t) => [t.cameraId, t.closed, t.endReason]), [['cam', true, 'interrupted'], ['b', true, 'feed-end']]);
  await store.close();
});

testBoth('deleting faces recounts their tracks, moves the best face, and removes emptied tracks', async (open) => {
  const store = await withCamera(open);
  const a = await store.tracks.storeFrame({ faces: [face(1000, 0, 1), face(1000, 1, 2)], tracks: [track(1, 1000, { bestFace: 0 }), track(2, 1000, { bestFace: 1 })] });
  const b = await store.tracks.storeFrame({ faces: [face(2000, 0, 1, false)], tracks: [track(1, 2000, { id: a.trackIds.get(1) })] });
  assert.equal(await store.faces.deleteIds([a.faceIds[0]!, a.faceIds[1]!]), 2);
  const t1 = (await store.tracks.get(a.trackIds.get(1)!))!;
  assert.deepEqual([t1.faces, t1.bestFaceId], [1, b.faceIds[0]]);
  assert.equal(await store.tracks.get(a.trackIds.get(2)!), undefined);
  await store.close();
});

async function rawExec(file: string, sql: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

test('migration 3: faces stored before tracks each get a closed track of their own', async () => {
  const dir = tmp();
  mkdirSync(dir, { recursive: true });
  const before = MIGRATIONS.filter((m) => m.version < 3);
  const blob = `x'${'00'.repeat(512)}'`;
  await rawExec(join(dir, DB_FILE), [
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);',
    ...before.map((m) => `${m.sql}; INSERT INTO schema_migrations VALUES (${m.version}, 'old', 0);`),
    "INSERT INTO cameras VALUES ('cam', '/x.mp4', 'file', 0, NULL);",
    `INSERT INTO faces (camera_id, ts, frame_pos, face_idx, x, y, w, h, score, quality, clusterable, descriptor, created_at) VALUES ('cam', 1000, 1, 0, 0, 0, 10, 10, 0.9, 50, 1, ${blob}, 5), ('cam', 1000, 1, 1, 0, 0, 10, 10, 0.9, 20, 0, ${blob}, 5);`,
  ].join('\n'));
  const store = await openStore(dir);
  const faces = await store.db.all<{ id: number; track_id: number }>('SELECT id, track_id FROM faces ORDER BY id');
  assert.deepEqual(faces.map((f) => f.track_id), faces.map((f) => f.id));
  const tracks = await store.tracks.list();
  assert.deepEqual(tracks.map((t) => [t.faces, t.bestFaceId, t.identifiable, t.closed, t.endReason]), [[1, faces[0]!.id, true, true, 'migrated'], [1, faces[1]!.id, false, true, 'migrated']]);
  const next = await store.tracks.storeFrame({ faces: [face(3000, 0, 1)], tracks: [track(1, 3000)] });
  assert.ok(next.trackIds.get(1)! > faces[1]!.id, 'new track ids continue after the migrated ones');
  await store.close();
});
