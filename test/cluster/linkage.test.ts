import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageLinkageMerges, meanDistance, meanWithin, spread } from '../../src/cluster/linkage.js';

/** 1-d points as 128-d vectors (only the first coordinate differs): distances are |a - b|. */
const at = (xs: number[]) => xs.map((x) => Float32Array.from({ length: 128 }, (_, i) => (i === 0 ? x : 0)));

test('two visits of one person (mean distance under the limit) merge; a far cluster stays', () => {
  const v = at([0, 0.02, 0.04, 0.4, 0.42, 0.44, 2, 2.02]);
  const labels = [1, 1, 1, 2, 2, 2, 3, 3];
  const into = averageLinkageMerges({ labels, candidates: [[1, 2], [2, 3]], vector: (n) => v[n], maxAverage: 0.5 });
  assert.deepEqual([...into], [[2, 1]]);
});

test('only clusters sharing an edge are candidates', () => {
  const v = at([0, 0.1, 0.2, 0.3]);
  const into = averageLinkageMerges({ labels: [1, 1, 2, 2], candidates: [], vector: (n) => v[n], maxAverage: 0.5 });
  assert.equal(into.size, 0);
});

test('no chaining: A~B and B~C do not pull A and C together when A and C are far on average', () => {
  // A at 0, B at 0.4, C at 0.8: A-B 0.4, B-C 0.4, A-C 0.8; merged AB vs C is 0.6 > 0.5.
  const v = at([0, 0, 0.4, 0.4, 0.8, 0.8]);
  const into = averageLinkageMerges({ labels: [1, 1, 2, 2, 3, 3], candidates: [[1, 2], [2, 3]], vector: (n) => v[n], maxAverage: 0.5 });
  assert.equal(into.size, 1);
  const merged = [...into][0]!;
  assert.ok(merged[0] === 2 || merged[0] === 3 || merged[0] === 1);
  const groups = new Set([1, 2, 3].map((l) => into.get(l) ?? l));
  assert.equal(groups.size, 2, 'three clusters became two, not one');
});

test('a cannot-link between two faces keeps their clusters apart', () => {
  const v = at([0, 0.05, 0.3, 0.35]);
  const into = averageLinkageMerges({ labels: [1, 1, 2, 2], candidates: [[1, 2]], vector: (n) => v[n], maxAverage: 0.5, cannotLink: [[0, 3]] });
  assert.equal(into.size, 0);
});

test('a stored person (label >= 0) survives over a temporary one; otherwise the larger cluster does', () => {
  const v = at([0, 0.01, 0.02, 0.1]);
  assert.deepEqual([...averageLinkageMerges({ labels: [-5, -5, -5, 7], candidates: [[-5, 7]], vector: (n) => v[n], maxAverage: 0.5 })], [[-5, 7]]);
  assert.deepEqual([...averageLinkageMerges({ labels: [4, 4, 4, 9], candidates: [[4, 9]], vector: (n) => v[n], maxAverage: 0.5 })], [[9, 4]]);
});

test('spread check: two tight clusters far apart relative to their spread stay two people under the mean limit', () => {
  // Two one-camera visits of different people: each spread 0.02, 0.45 apart (gap 0.43).
  const tight = at([0, 0.02, 0.04, 0.45, 0.47, 0.49]);
  const labels = [1, 1, 1, 2, 2, 2];
  const base = { labels, candidates: [[1, 2]] as Array<[number, number]>, vector: (n: number) => tight[n], maxAverage: 0.5 };
  assert.equal(averageLinkageMerges(base).size, 1, 'the mean alone (0.45 < 0.5) merges them');
  assert.equal(averageLinkageMerges({ ...base, maxGap: 0.2 }).size, 0, 'the spread check keeps them apart');
  assert.equal(averageLinkageMerges({ ...base, maxGap: 0 }).size, 1, '0 turns the check off');
  // One person's varied photos: spread about 0.33, the two groups 0.45 apart on average (gap ~0.12): merged.
  const varied = at([0, 0.3, 0.6, 0.45, 0.75, 1.05]);
  assert.deepEqual([...averageLinkageMerges({ ...base, vector: (n: number) => varied[n], maxAverage: 0.6, maxGap: 0.2 })], [[2, 1]]);
});

test('spread check: a single face has no spread, so only the other side counts; two singletons only need the mean', () => {
  const v = at([0, 0.02, 0.04, 0.3]);
  // The lone face at 0.3 is 0.28 from the tight trio on average, which has spread 0.027: gap 0.25.
  assert.equal(averageLinkageMerges({ labels: [1, 1, 1, 2], candidates: [[1, 2]], vector: (n) => v[n], maxAverage: 0.5, maxGap: 0.2 }).size, 0);
  assert.equal(averageLinkageMerges({ labels: [1, 1, 1, 2], candidates: [[1, 2]], vector: (n) => v[n], maxAverage: 0.5, maxGap: 0.3 }).size, 1);
  const pair = at([0, 0.45]);
  assert.equal(averageLinkageMerges({ labels: [1, 2], candidates: [[1, 2]], vector: (n) => pair[n], maxAverage: 0.5, maxGap: 0.01 }).size, 1);
});

test('helpers: even sampling and the mean over all pairs', () => {
  assert.deepEqual(spread([1, 2, 3, 4, 5, 6], 3), [1, 3, 5]);
  assert.deepEqual(spread([1, 2], 3), [1, 2]);
  const v = at([0, 1, 3]);
  assert.equal(meanDistance([0], [1, 2], (n) => v[n]), 2);
  assert.equal(meanDistance([0], [], (n) => v[n]), Number.POSITIVE_INFINITY);
  assert.ok(Math.abs(meanWithin([0, 1, 2], (n) => v[n]) - 2) < 1e-6, '(1 + 3 + 2) / 3');
  assert.ok(Number.isNaN(meanWithin([0], (n) => v[n])));
});
