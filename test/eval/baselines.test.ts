import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbscan, dlibRecipe, radiusNeighbours } from '../../src/eval/baselines.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { bcubed } from '../../src/eval/metrics.js';

const pts = (xs: number[]) => xs.map((x) => Float32Array.from([x, 0]));

test('DBSCAN: dense runs become clusters, sparse points singletons', () => {
  const p = pts([0, 0.1, 0.2, 0.3, 5, 10, 10.1, 10.2, 10.3, 20]);
  const l = dbscan(p, 0.15, 3);
  assert.equal(l[0], l[3]);
  assert.equal(l[5], l[8]);
  assert.notEqual(l[0], l[5]);
  assert.equal(new Set(Array.from(l)).size, 4);
  assert.deepEqual(radiusNeighbours(p, 0.15)[1], [0, 2]);
});

test('dlib recipe recovers well separated synthetic people', () => {
  const set = syntheticFaces({ people: 10, perPerson: 8, seed: 3 });
  assert.ok(bcubed(dlibRecipe(set.descriptors, 0.5), set.truth).f1 > 0.99);
  assert.ok(bcubed(dlibRecipe(set.descriptors, 1.5), set.truth).f1 < 0.5, 'a huge threshold chains everyone');
});
