import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgesFromKnn, edgeWeight, LiveGraph } from '../../src/cluster/graph.js';
import { matchClusters } from '../../src/cluster/identities.js';

test('edge weights fall with distance and vanish at the threshold', () => {
  for (const kind of ['binary', 'linear', 'gaussian'] as const) {
    assert.equal(edgeWeight(0.5, 0.5, kind), 0);
    assert.equal(edgeWeight(Number.NaN, 0.5, kind), 0);
    assert.ok(edgeWeight(0.1, 0.5, kind) >= edgeWeight(0.4, 0.5, kind));
    assert.ok(edgeWeight(0.4, 0.5, kind) > 0);
  }
  assert.ok(edgeWeight(0.1, 0.5, 'linear') > edgeWeight(0.4, 0.5, 'linear'));
});

test('edgesFromKnn keeps the nearest k under the threshold and skips the face itself', () => {
  const hits = [{ id: 9, distance: 0.45 }, { id: 1, distance: 0 }, { id: 3, distance: 0.2 }, { id: 4, distance: 0.6 }, { id: 5, distance: 0.3 }];
  assert.deepEqual(edgesFromKnn(1, hits, 2, 0.5, 'binary').map((e) => e.id), [3, 5]);
  assert.deepEqual(edgesFromKnn(1, hits, 10, 0.5, 'binary').map((e) => e.id), [3, 5, 9]);
});

test('a full node replaces its weakest edge and the graph stays symmetric', () => {
  const g = new LiveGraph(2, 4);
  for (let f = 0; f < 5; f++) g.addNode(100 + f);
  g.addEdge(0, 1, 0.2);
  g.addEdge(0, 2, 0.5);
  g.addEdge(0, 3, 0.9); // replaces 0-1
  g.addEdge(0, 4, 0.1); // too weak: nothing changes
  assert.deepEqual(g.neighbours(0).sort(), [2, 3]);
  assert.deepEqual(g.neighbours(1), []);
  assert.deepEqual(g.neighbours(4), []);
  for (let a = 0; a < 5; a++) for (const b of g.neighbours(a)) assert.ok(g.neighbours(b).includes(a));
  assert.equal(g.capacity >= 5, true);
  assert.equal(g.node(103), 3);
});

test('overlap matching: stable ids, a split gets one new id, a merge retires the smaller', () => {
  // faces 0-5 were person 7, faces 6-8 person 9, faces 9-10 person 4
  const before = [7, 7, 7, 7, 7, 7, 9, 9, 9, 4, 4];
  // now 7 splits into clusters 0 (4 faces) and 1 (2 faces); 9 and 4 merge into cluster 2
  const after = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2];
  const m = matchClusters(before, after);
  assert.equal(m.personOf.get(0), 7);
  assert.equal(m.personOf.get(1), null);
  assert.equal(m.personOf.get(2), 9);
  assert.deepEqual(m.retired, [{ person: 4, into: 2 }]);
});

test('overlap matching ignores faces without a person and removed faces', () => {
  const m = matchClusters([5, -1, Number.NaN, 5], [0, 0, 1, -1]);
  assert.equal(m.personOf.get(0), 5);
  assert.equal(m.personOf.get(1), null);
  assert.equal(m.personOf.has(-1), false);
  assert.deepEqual(m.retired, []);
});
