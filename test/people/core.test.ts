import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GRAPH_FILE, openPeople } from '../../src/people/index.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { pairwise } from '../../src/eval/metrics.js';
import { isFaceidxError } from '../../src/errors.js';
import { storeFaces, tempStore } from '../cluster/helpers.js';

const config = configSchema.parse({ storage: { dir: '/tmp/x' } });

async function setup(dir: string, store: Parameters<typeof openPeople>[0]['store']) {
  const people = await openPeople({ config: { ...config, storage: { ...config.storage, dir }, index: { ...config.index, efConstruction: 100 } }, store, log: silentLogger });
  return { people };
}

test('faces stream in, people are stored, ids and labels survive a full re-cluster and a restart', async () => {
  const { dir, store, cleanup } = await tempStore();
  try {
    const set = syntheticFaces({ people: 8, perPerson: [3, 15], seed: 21 });
    const ids = await storeFaces(store, set.descriptors);
    const { people } = await setup(dir, store);
    for (let i = 0; i < ids.length; i += 7) {
      const batch = ids.slice(i, i + 7).map((id, j) => ({ id, descriptor: set.descriptors[i + j]! }));
      const got = await people.addFaces(batch);
      for (const f of batch) assert.equal(got.get(f.id), await store.people.personOf(f.id));
    }
    const before = await store.people.assignments();
    const byFace = (m: Map<number, number>) => ids.map((id) => m.get(id)!);
    assert.ok(pairwise(byFace(before), set.truth).f1 >= 0.99);
    assert.equal(await store.people.countActive(), 8);
    const someone = before.get(ids[0]!)!;
    await store.people.setLabel(someone, 'Ada');

    const r = await people.recluster();
    assert.deepEqual({ people: r.people, created: r.created, retired: r.retired }, { people: 8, created: 0, retired: 0 });
    assert.deepEqual(await store.people.assignments(), before);
    assert.equal(await store.people.label(someone), 'Ada');

    await people.save();
    // restart: the graph file is loaded; then again with the graph file gone (rebuilt from the index)
    for (const drop of [false, true]) {
      if (drop) await unlink(join(dir, GRAPH_FILE));
      const again = await setup(dir, store);
      assert.equal(again.people.faces.engine.faces, ids.length);
      await again.people.recluster();
      assert.deepEqual(await store.people.assignments(), before);
    }
  } finally {
    await cleanup();
  }
});

test('merge (must-link) and not-this-person (cannot-link) hold after re-clusters', async () => {
  const { dir, store, cleanup } = await tempStore();
  try {
    const set = syntheticFaces({ people: 3, perPerson: 10, seed: 8, shuffle: false });
    const ids = await storeFaces(store, set.descriptors);
    const { people } = await setup(dir, store);
    await people.addFaces(ids.map((id, i) => ({ id, descriptor: set.descriptors[i]! })));
    const pA = (await store.people.personOf(ids[0]!))!;
    const pB = (await store.people.personOf(ids[10]!))!;
    const pC = (await store.people.personOf(ids[20]!))!;
    assert.equal(new Set([pA, pB, pC]).size, 3);
    await store.people.setLabel(pB, 'Bob');

    assert.equal(await people.merge(pA, pB), pA);
    assert.equal(await store.people.exists(pB), false);
    assert.equal(await store.people.resolve(pB), pA);
    assert.equal(await store.people.label(pA), 'Bob');
    await people.not(ids[25]!, pC);
    const moved = (await store.people.personOf(ids[25]!))!;
    assert.notEqual(moved, pC);

    for (let round = 0; round < 2; round++) {
      await people.recluster();
      const a = await store.people.assignments();
      assert.equal(a.get(ids[0]!), a.get(ids[10]!), 'must-link holds');
      assert.equal(a.get(ids[5]!), pA);
      assert.equal(a.get(ids[15]!), pA);
      assert.notEqual(a.get(ids[25]!), pC, 'cannot-link holds');
      assert.equal(a.get(ids[20]!), pC);
    }
    await assert.rejects(people.merge(pA, 99999), (e: unknown) => isFaceidxError(e, 'FACEIDX_NOT_FOUND'));
    assert.equal((await people.forget(pC)).length, 9);
    assert.equal(await store.people.exists(pC), false);
    await people.recluster();
    assert.equal((await store.people.assignments()).size, 21);
  } finally {
    await cleanup();
  }
});

test('purge (retention) erases old faces from the store, the index and the graph; people left empty are retired', async () => {
  const { dir, store, cleanup } = await tempStore();
  try {
    const set = syntheticFaces({ people: 2, perPerson: 6, seed: 3, shuffle: false });
    const ids = await storeFaces(store, set.descriptors);
    const { people } = await setup(dir, store);
    await people.addFaces(ids.map((id, i) => ({ id, descriptor: set.descriptors[i]! })));
    const [first, second] = [(await store.people.personOf(ids[0]!))!, (await store.people.personOf(ids[6]!))!];
    assert.notEqual(first, second);
    const cut = (await store.faces.get(ids[6]!))!.ts; // the first person's faces are all older
    const r = await people.purge(cut);
    assert.deepEqual(r, { faceIds: ids.slice(0, 6), retired: [first] });
    assert.equal(people.size, 6);
    assert.equal(people.faces.engine.faces, 6);
    assert.equal(await store.people.exists(first), false);
    assert.deepEqual(await people.purge(cut), { faceIds: [], retired: [] });
    const again = await setup(dir, store);
    assert.equal(again.people.size, 6, 'reopened: the index agrees with the store');
  } finally {
    await cleanup();
  }
});
