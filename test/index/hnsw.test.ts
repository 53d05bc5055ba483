import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceIndex } from '../../src/index/hnsw.js';
import { isFaceidxError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { BruteKnn } from '../../src/eval/brute.js';

const params = { M: 16, efConstruction: 100, ef: 64, log: silentLogger };

test('add, knn (Euclidean, nearest first, matches brute force), remove, capacity grows', async () => {
  const set = syntheticFaces({ people: 30, perPerson: 20, seed: 1 });
  const index = await FaceIndex.open({ dir: null, ...params, capacity: 16 });
  await index.add(set.descriptors.map((d, id) => ({ id, descriptor: d })));
  assert.equal(index.size, 600);
  const bf = new BruteKnn();
  set.descriptors.forEach((d, id) => bf.add(id, d));
  let agree = 0;
  for (let q = 0; q < 50; q++) {
    const got = index.knn(set.descriptors[q]!, 10);
    const want = bf.knn(set.descriptors[q]!, 10);
    assert.equal(got[0]!.id, q);
    assert.ok(got[0]!.distance < 1e-3);
    assert.ok(Math.abs(got[1]!.distance - want[1]!.distance) < 1e-4 || got[1]!.id !== want[1]!.id);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]!.distance >= got[i - 1]!.distance);
    agree += got.filter((g) => want.some((w) => w.id === g.id)).length;
  }
  assert.ok(agree / 500 > 0.95, `recall ${agree / 500}`);
  index.remove([0, 1, 2, 12345]);
  assert.equal(index.size, 597);
  assert.ok(!index.knn(set.descriptors[0]!, 5).some((h) => h.id === 0));
});

test('wrong-length and NaN descriptors are rejected before they reach the index', async () => {
  const index = await FaceIndex.open({ dir: null, ...params });
  const bad = new Float32Array(128);
  bad[5] = Number.NaN;
  await assert.rejects(index.add([{ id: 1, descriptor: new Float32Array(127) }]), (e: unknown) => isFaceidxError(e, 'FACEIDX_DESCRIPTOR') && /127 values/.test((e as Error).message));
  await assert.rejects(index.add([{ id: 1, descriptor: bad }]), (e: unknown) => isFaceidxError(e, 'FACEIDX_DESCRIPTOR') && /position 5/.test((e as Error).message));
  assert.throws(() => index.knn(new Float32Array(3), 2), (e: unknown) => isFaceidxError(e, 'FACEIDX_DESCRIPTOR'));
  assert.equal(index.size, 0);
  assert.deepEqual(index.knn(new Float32Array(128), 5), []);
});

test('a large add yields to the event loop between chunks', async () => {
  const set = syntheticFaces({ people: 300, perPerson: 10, seed: 3 });
  const index = await FaceIndex.open({ dir: null, ...params });
  let ticked = false;
  setImmediate(() => {
    ticked = true;
  });
  let tickedBeforeDone = false;
  await index.add(set.descriptors.map((d, id) => ({ id, descriptor: d }))).then(() => {
    tickedBeforeDone = ticked;
  });
  assert.equal(tickedBeforeDone, true);
  assert.equal(index.size, 3000);
});

test('a new store (no index file yet) logs no warning; a damaged index file does', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { PassThrough } = await import('node:stream');
  const { createLogger } = await import('../../src/log/logger.js');
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-index-'));
  const lines: Array<{ level: number; msg: string }> = [];
  const out = new PassThrough();
  out.on('data', (b: Buffer) => { for (const l of b.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string }); });
  const log = createLogger({ level: 'info', pretty: false, destination: out });
  try {
    const fresh = await FaceIndex.open({ ...params, dir, log });
    assert.equal(fresh.loadProblem, 'missing');
    writeFileSync(join(dir, 'faces.hnsw.json'), JSON.stringify({ version: 1, dim: 128, M: 16, efConstruction: 100, bytes: 5, sha256: 'x', count: 0 }));
    writeFileSync(join(dir, 'faces.hnsw'), 'short');
    const damaged = await FaceIndex.open({ ...params, dir, log });
    await new Promise((r) => setImmediate(r));
    assert.match(damaged.loadProblem ?? '', /corrupt|unreadable/);
    assert.deepEqual(lines.filter((l) => l.level >= 40).map((l) => l.msg), ['the index file is not usable; it will be rebuilt from the store']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
