import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateClustering, evalTable, METHODS } from '../../src/eval/cluster-eval.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';

test('every method runs on synthetic people; faceidx separates them; gated faces stay singletons', async () => {
  const set = syntheticFaces({ people: 12, perPerson: [1, 12], seed: 9 });
  const clusterable = set.descriptors.map((_, i) => i !== 0);
  const r = await evaluateClustering({ descriptors: set.descriptors, truth: set.truth, clusterable }, { threshold: 0.5, k: 20, seed: 1, weight: 'linear' }, { M: 16, efConstruction: 100, ef: 64 });
  assert.deepEqual(Object.keys(r).sort(), [...METHODS].sort());
  assert.ok(r.incremental.bcubed.f1 > 0.97, `incremental ${r.incremental.bcubed.f1}`);
  assert.ok(r.batch.bcubed.f1 > 0.97);
  assert.ok(r.dlib.bcubed.precision > 0.99);
  assert.equal(evalTable(r).length, 5);
});
