import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { FaceIndex } from '../../src/index/hnsw.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildFixture, cli, type Fixture } from './fixture.js';

async function inspect(f: Fixture, fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<void>): Promise<void> {
  const store = await openStore(f.dir, { readonly: true });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

test('forget erases the faces, label and id, and leaves everyone else intact', async () => {
  const f = await buildFixture();
  let aliceFaces: number[] = [];
  let otherFaces = 0;
  await inspect(f, async (s) => {
    aliceFaces = await s.people.faceIds(f.ids.alice);
    otherFaces = (await s.faces.count()).faces - aliceFaces.length;
  });
  const r = await cli('forget', String(f.ids.alice), '--json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { person: number; label: string; faces: number; faceIds: number[]; index: { action: string; reason?: string } };
  assert.equal(out.person, f.ids.alice);
  assert.equal(out.faces, 5);
  assert.deepEqual(out.faceIds, aliceFaces);
  // No daemon and no index file yet: the daemon builds the index from the store when it starts.
  assert.deepEqual(out.index, { action: 'next-start', reason: 'no usable index file: missing' });
  await inspect(f, async (s) => {
    for (const id of aliceFaces) {
      assert.equal(await s.faces.get(id), undefined);
      assert.equal(await s.faces.thumbnail(id), undefined);
      assert.equal(await s.faces.descriptor(id), undefined);
    }
    assert.equal(await s.people.exists(f.ids.alice), false);
    assert.equal(await s.people.label(f.ids.alice), undefined);
    assert.deepEqual(await s.people.faceIds(f.ids.alice), []);
    assert.equal((await s.faces.count()).faces, otherFaces);
    assert.equal((await s.people.faceIds(f.ids.bob)).length, 3);
    assert.equal(await s.people.label(f.ids.eve), 'Eve');
    // The id merged into alice no longer resolves to anyone.
    assert.equal(await s.people.resolve(f.ids.merged), undefined);
  });
  const again = await cli('forget', String(f.ids.alice), '--config', f.config);
  assert.equal(again.code, 3);
  assert.match(again.stderr, new RegExp(`no person ${f.ids.alice}: list people with faceidx people --all`));
});

test('forget of a merged id refuses and names the person it went to', async () => {
  const f = await buildFixture();
  const r = await cli('forget', String(f.ids.merged), '--config', f.config);
  assert.equal(r.code, 3);
  assert.match(r.stderr, new RegExp(`person ${f.ids.merged} was merged into person ${f.ids.alice}`));
  await inspect(f, async (s) => assert.equal((await s.people.faceIds(f.ids.alice)).length, 5));
});

async function buildIndex(f: Fixture): Promise<Array<{ id: number; descriptor: Float32Array }>> {
  const store = await openStore(f.dir, { readonly: true });
  try {
    const index = await FaceIndex.open({ dir: f.dir, M: 16, efConstruction: 200, ef: 64, log: silentLogger });
    const vectors = await store.faces.vectorsAfter(0, 10_000, true);
    await index.add(vectors);
    await index.save();
    return vectors;
  } finally {
    await store.close();
  }
}

test('forget with no daemon running removes the vectors from the index file itself', async () => {
  const f = await buildFixture();
  const all = await buildIndex(f);
  const r = await cli('forget', String(f.ids.alice), '--json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { faceIds: number[]; index: { action: string } };
  assert.deepEqual(out.index, { action: 'removed' });
  const index = await FaceIndex.open({ dir: f.dir, M: 16, efConstruction: 200, ef: 64, log: silentLogger });
  assert.equal(index.loadProblem, null);
  // Searched with every stored descriptor, the saved index never returns a forgotten face.
  const found = new Set(all.flatMap((v) => index.knn(v.descriptor, all.length).map((n) => n.id)));
  for (const v of all) assert.equal(found.has(v.id), !out.faceIds.includes(v.id), `face ${v.id}`);
});

test('forget with a running daemon hands the erasure to it and leaves the data alone until it answers', async () => {
  const f = await buildFixture();
  // A live process that owns the pid file but never answers requests.
  const daemon = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  process.env.FACEIDX_REQUEST_TIMEOUT_MS = '600';
  try {
    writeFileSync(join(f.dir, 'faceidx.pid'), JSON.stringify({ pid: daemon.pid }));
    const r = await cli('forget', String(f.ids.bob), '--config', f.config);
    assert.equal(r.code, 75, r.stderr);
    assert.match(r.stderr, /daemon has not answered request \d+ \(forget\) yet; it stays queued/);
    await inspect(f, async (s) => {
      assert.equal(await s.people.exists(f.ids.bob), true, 'the CLI did not erase behind the daemon');
      const pending = await s.requests.pending();
      assert.deepEqual(pending.map((q) => [q.kind, q.args]), [['forget', { person: f.ids.bob }]]);
    });
    // The CLI left the index file alone.
    assert.throws(() => statSync(join(f.dir, 'faces.hnsw')));
  } finally {
    delete process.env.FACEIDX_REQUEST_TIMEOUT_MS;
    daemon.kill('SIGKILL');
  }
});

test('purge --older-than removes old faces and retires people left empty', async () => {
  const f = await buildFixture();
  const r = await cli('purge', '--older-than', '2d', '--json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { faces: number; retired: number[] };
  assert.equal(out.faces, 5 + 3 + 1);
  assert.deepEqual(out.retired, [f.ids.alice, f.ids.bob, f.ids.carol]);
  await inspect(f, async (s) => {
    assert.equal((await s.faces.count()).faces, 3);
    assert.deepEqual((await s.people.list({ minFaces: 1 })).map((p) => p.id), [f.ids.eve]);
    assert.equal(await s.people.exists(f.ids.alice), false);
  });
  const none = await cli('purge', '--older-than', '2d', '--config', f.config);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /purged 0 faces .*no people retired/);
});

test('purge keeps people who still have newer faces', async () => {
  const f = await buildFixture();
  // The cut is 3 days minus 10 minutes ago: Alice's faces at T0..T0+3m go, the one at T0+20m stays.
  const r = await cli('purge', '--older-than', `${3 * 24 * 60 - 10}m`, '--json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { faces: number; retired: number[] };
  assert.equal(out.faces, 4);
  assert.deepEqual(out.retired, []);
  await inspect(f, async (s) => assert.ok(await s.people.exists(f.ids.alice)));
  const bad = await cli('purge', '--older-than', 'soon', '--config', f.config);
  assert.equal(bad.code, 2);
});

test('a database locked by another writer: exit 75 with a clear message, nothing changed', async () => {
  const f = await buildFixture();
  const holder = await openStore(f.dir);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const tx = holder.db.transaction(async () => {
    locked();
    await held;
  });
  await isLocked;
  const prev = process.env['FACEIDX_BUSY_TIMEOUT_MS'];
  process.env['FACEIDX_BUSY_TIMEOUT_MS'] = '100';
  try {
    const r = await cli('forget', String(f.ids.bob), '--config', f.config);
    assert.equal(r.code, 75, r.stderr);
    assert.match(r.stderr, /is locked by another process.*try again/);
    // Readers are not blocked by a writer (WAL).
    assert.equal((await cli('people', '--json', '--config', f.config)).code, 0);
  } finally {
    if (prev === undefined) delete process.env['FACEIDX_BUSY_TIMEOUT_MS'];
    else process.env['FACEIDX_BUSY_TIMEOUT_MS'] = prev;
    release();
    await tx;
    await holder.close();
  }
  await inspect(f, async (s) => assert.equal((await s.people.faceIds(f.ids.bob)).length, 3));
});
