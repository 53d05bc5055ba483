import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotLinks, mustLinkGroups, type ConstraintFace } from '../../src/tracks/index.js';

const f = (id: number, cameraId: string, ts: number, trackId: number | null, clusterable = true, framePos = ts / 1000): ConstraintFace => ({ id, cameraId, ts, framePos, trackId, clusterable });

test('cannot-links: every pair of faces of one frame (same camera, time and position), gated faces included', () => {
  const faces = [f(1, 'a', 1000, 10), f(2, 'a', 1000, 11), f(3, 'a', 1000, 12, false), f(4, 'a', 2000, 10), f(5, 'b', 1000, 20), f(6, 'a', 1000, 13, true, 7)];
  assert.deepEqual(cannotLinks(faces), [[1, 2], [1, 3], [2, 3]]);
  assert.deepEqual(cannotLinks([]), []);
  assert.deepEqual(cannotLinks([f(9, 'a', 5, 1)]), []);
});

test('must-link groups: all faces of a track (gated ones too), tracks of one face and faces without a track left out', () => {
  const faces = [f(1, 'a', 1000, 10), f(2, 'a', 2000, 10), f(3, 'a', 3000, 10, false), f(4, 'a', 1000, 11), f(5, 'a', 2000, 11, false), f(6, 'a', 4000, null), f(7, 'a', 5000, null), f(8, 'b', 1000, 12), f(9, 'b', 2000, 12)];
  assert.deepEqual(mustLinkGroups(faces), [[1, 2, 3], [4, 5], [8, 9]]);
});

test('a group never holds a cannot-link pair, even from a track that holds two faces of one frame', () => {
  const faces = [f(1, 'a', 1000, 10), f(2, 'a', 1000, 10), f(3, 'a', 2000, 10), f(4, 'a', 2000, 10)];
  const groups = mustLinkGroups(faces);
  const cannot = new Set(cannotLinks(faces).map((p) => p.join()));
  for (const g of groups) for (const a of g) for (const b of g) if (a < b) assert.ok(!cannot.has(`${a},${b}`), `${a},${b} in one group`);
  assert.deepEqual(groups, [[1, 3], [2, 4]]);
});
