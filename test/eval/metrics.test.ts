import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bcubed, pairwise, countClusters } from '../../src/eval/metrics.js';

test('perfect clustering scores 1', () => {
  const t = [0, 0, 1, 1, 2];
  assert.deepEqual(pairwise([5, 5, 7, 7, 9], t), { precision: 1, recall: 1, f1: 1 });
  assert.deepEqual(bcubed([5, 5, 7, 7, 9], t), { precision: 1, recall: 1, f1: 1 });
});

test('everything in one cluster: pairwise and BCubed by hand', () => {
  const t = [0, 0, 1, 1];
  const p = pairwise([0, 0, 0, 0], t);
  assert.equal(p.precision, 2 / 6);
  assert.equal(p.recall, 1);
  const b = bcubed([0, 0, 0, 0], t);
  assert.equal(b.precision, 0.5);
  assert.equal(b.recall, 1);
  assert.ok(Math.abs(b.f1 - 2 / 3) < 1e-12);
});

test('all singletons: BCubed recall by hand, pairwise precision defined as 1', () => {
  const t = [0, 0, 0, 1];
  const b = bcubed([0, 1, 2, 3], t);
  assert.equal(b.precision, 1);
  assert.equal(b.recall, (1 / 3 + 1 / 3 + 1 / 3 + 1) / 4);
  assert.equal(pairwise([0, 1, 2, 3], t).precision, 1);
  assert.equal(pairwise([0, 1, 2, 3], t).recall, 0);
  assert.equal(countClusters([3, 3, 1]), 2);
  assert.throws(() => bcubed([0], [0, 1]), RangeError);
});
