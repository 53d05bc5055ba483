/**
 * `faceidx store copy`: a SQLite store moves into an empty PostgreSQL store with its ids, people,
 * labels, constraints, tracks, watch list and alerts; new rows there get new ids; a store that
 * already holds faces is refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type NewFace, type Store } from '../../src/store/index.js';
import { cli, killLeftovers } from '../e2e/harness.js';
import { clustererConfig } from '../helpers/central.js';
import { pgServer } from '../helpers/store-backends.js';

after(killLeftovers);

function face(ts: number, idx: number, key: number): NewFace & { trackKey: number } {
  return {
    cameraId: 'lobby', ts, framePos: ts / 1000, faceIdx: idx, box: { x: 1, y: 2, width: 40, height: 50 }, score: 0.9, quality: 55, clusterable: true,
    descriptor: new Float32Array(128).map((_, i) => Math.cos(ts + idx + i)), thumbnail: Buffer.from(`thumb-${ts}-${idx}`), trackKey: key,
  };
}

async function sqliteStore(): Promise<{ file: string; store: Store }> {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-copy-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `site: old-box\nstorage:\n  dir: ${join(dir, 'state')}\ncameras: []\n`);
  const store = await openStore(join(dir, 'state'));
  await store.cameras.upsert({ id: 'lobby', url: '/srv/lobby.mp4', kind: 'file' });
  const tracks = new Map<number, number>();
  for (let i = 0; i < 5; i++) {
    const r = await store.tracks.storeFrame({
      faces: [face(1000 + i * 100, 0, 1), face(1000 + i * 100, 1, 2)],
      tracks: [1, 2].map((k) => ({ key: k, id: tracks.get(k), cameraId: 'lobby', firstTs: 1000, lastTs: 1000 + i * 100, firstPos: 1, lastPos: 1 + i / 10, quality: 0.6, aggregate: new Float32Array(128).fill(k), identifiable: true, bestFace: k - 1 })),
    });
    for (const [k, v] of r.trackIds) tracks.set(k, v);
  }
  const faces = await store.faces.ids();
  const [p1, p2, p3] = [await store.people.create(), await store.people.create(), await store.people.create()];
  await store.people.assign(faces.map((f, i) => [f, i % 2 === 0 ? p1 : p2] as [number, number]));
  await store.people.retire(p3, p1);
  await store.people.setLabel(p1, 'Ada');
  await store.constraints.add('must_link', faces[0]!, faces[2]!);
  await store.constraints.add('cannot_link', faces[0]!, faces[1]!);
  await store.watch.add('suspect', [{ descriptor: new Float32Array(128).fill(0.1), source: 'x.jpg', box: { x: 0, y: 0, width: 9, height: 9 } }]);
  return { file, store };
}

test('store copy keeps ids, people, labels, constraints, tracks and the watch list; new rows get new ids; a non-empty target is refused', { timeout: 120_000 }, async () => {
  const { file: from, store: old } = await sqliteStore();
  const url = await (await pgServer()).createDatabase();
  const target = clustererConfig(url, 'copy-target');
  const r = cli(['store', 'copy', '--from', from, '--config', target.file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { site: string; rows: Record<string, number> };
  assert.equal(out.site, 'old-box');
  assert.equal(out.rows['faces'], 10);

  const pg = await openStore({ backend: 'postgres', url });
  assert.deepEqual(await pg.people.list(), await old.people.list());
  assert.equal(await pg.people.resolve(3), 1, 'a merged id still leads to the person it went into');
  assert.deepEqual(await pg.constraints.list(), await old.constraints.list());
  assert.deepEqual(await pg.tracks.list(), await old.tracks.list());
  assert.deepEqual(await pg.faces.get(4), await old.faces.get(4));
  assert.deepEqual(await pg.faces.thumbnail(4), await old.faces.thumbnail(4));
  assert.deepEqual((await pg.watch.list()).map((e) => [e.id, e.name, e.descriptors]), (await old.watch.list()).map((e) => [e.id, e.name, e.descriptors]));
  const site = await pg.db.all<{ site: string; n: number }>('SELECT site_id AS site, count(*) AS n FROM faces WHERE local_id = id GROUP BY site_id');
  assert.deepEqual(site, [{ site: 'old-box', n: 10 }]);
  // Identities continue after the copied ids.
  assert.ok((await pg.people.create()) > 3);
  const [id] = await pg.faces.insertMany([{ ...face(9000, 0, 0) }]);
  assert.ok(id! > 10);

  const again = cli(['store', 'copy', '--from', from, '--config', target.file]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds 11 faces.*copy into an empty store/);
  await pg.close();
  await old.close();
});
