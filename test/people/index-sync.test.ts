import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaceIndex, INDEX_FILE } from '../../src/index/hnsw.js';
import { silentLogger } from '../../src/log/logger.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { syncIndex } from '../../src/people/index-sync.js';
import { tempStore, storeFaces } from '../cluster/helpers.js';

const params = { M: 16, efConstruction: 100, ef: 64, log: silentLogger };

test('index is saved, reopened, caught up with the store and rebuilt when deleted or truncated', async () => {
  const { dir, store, cleanup } = await tempStore();
  try {
    const set = syntheticFaces({ people: 10, perPerson: 10, seed: 2 });
    const ids = await storeFaces(store, set.descriptors.slice(0, 80));
    await storeFaces(store, set.descriptors.slice(80, 85), false); // not clusterable: never indexed
    let index = await FaceIndex.open({ dir, ...params });
    assert.equal(index.loadProblem, 'missing');
    assert.deepEqual(await syncIndex(index, store, silentLogger), { added: 80, removed: 0, rebuilt: true });

    // reopen: loaded from file; then the store gains 15 faces and loses 2
    const more = await storeFaces(store, set.descriptors.slice(85));
    await store.faces.deleteIds([ids[0]!, ids[1]!]);
    index = await FaceIndex.open({ dir, ...params });
    assert.equal(index.loadProblem, null);
    assert.equal(index.size, 80);
    assert.deepEqual(await syncIndex(index, store, silentLogger), { added: 15, removed: 2, rebuilt: false });
    assert.equal(index.size, 93);
    assert.ok(index.has(more[0]!) && !index.has(ids[0]!));

    await truncate(join(dir, INDEX_FILE), 1000);
    index = await FaceIndex.open({ dir, ...params });
    assert.match(index.loadProblem ?? '', /corrupt/);
    assert.equal((await syncIndex(index, store, silentLogger)).rebuilt, true);
    assert.equal(index.size, 93);
    assert.equal(index.knn(set.descriptors[50]!, 1)[0]!.id, ids[50]);

    await writeFile(join(dir, INDEX_FILE), 'garbage');
    index = await FaceIndex.open({ dir, ...params });
    assert.notEqual(index.loadProblem, null);
    await syncIndex(index, store, silentLogger);
    assert.equal(index.size, 93);

    await unlink(join(dir, INDEX_FILE));
    index = await FaceIndex.open({ dir, ...params });
    assert.notEqual(index.loadProblem, null);
    assert.equal((await syncIndex(index, store, silentLogger)).rebuilt, true);
    assert.equal(index.size, 93);
  } finally {
    await cleanup();
  }
});
