import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operatingPoint, thresholdAtFar } from '../../src/eval/far.js';

// 4 same pairs (one without a face), 5 different pairs.
const dist = [0.2, 0.3, 0.5, null, 0.35, 0.6, 0.7, 0.8, 0.9];
const same = [true, true, true, true, false, false, false, false, false];

test('operatingPoint: accepted below the threshold; a pair without a face is never accepted', () => {
  assert.deepEqual(operatingPoint(dist, same, 0.4), { threshold: 0.4, far: 0.2, tar: 0.5, falseAccepts: 1, trueAccepts: 2 });
  assert.deepEqual(operatingPoint(dist, same, 0.35), { threshold: 0.35, far: 0, tar: 0.5, falseAccepts: 0, trueAccepts: 2 });
});

test('thresholdAtFar: the largest threshold within the FAR, between two different-pair distances', () => {
  const zero = thresholdAtFar(dist, same, 0);
  assert.equal(zero.falseAccepts, 0);
  assert.ok(zero.threshold < 0.35 && zero.threshold > 0.3, String(zero.threshold));
  const one = thresholdAtFar(dist, same, 0.2);
  assert.equal(one.threshold, 0.475);
  assert.deepEqual([one.falseAccepts, one.trueAccepts], [1, 2]);
  // Ties at the next distance stay rejected.
  const tied = thresholdAtFar([0.5, 0.5, 0.5], [false, false, true], 0);
  assert.equal(tied.falseAccepts, 0);
});

test('allPairs: every pair once, same when the labels match', async () => {
  const { allPairs } = await import('../../src/eval/far.js');
  const d = (x: number) => Float32Array.of(x);
  const r = allPairs([{ label: 'a', descriptor: d(0) }, { label: 'a', descriptor: d(1) }, { label: 'b', descriptor: d(3) }], (p, q) => Math.abs(p[0]! - q[0]!));
  assert.deepEqual(Array.from(r.dist), [1, 3, 2]);
  assert.deepEqual(Array.from(r.same), [1, 0, 0]);
});
