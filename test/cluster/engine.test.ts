import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEngine } from '../../src/cluster/engine.js';
import type { WeightKind } from '../../src/cluster/graph.js';
import { BruteKnn } from '../../src/eval/brute.js';
import { syntheticFaces, type SyntheticSet } from '../../src/eval/synthetic.js';
import { bcubed, pairwise } from '../../src/eval/metrics.js';

/** Streams faces (in `order`) into an engine with exact kNN; returns the engine. */
function stream(set: SyntheticSet, order: number[], weight: WeightKind = 'linear'): ClusterEngine {
  const eng = new ClusterEngine({ threshold: 0.5, k: 20, weight, seed: 1 });
  const bf = new BruteKnn();
  for (const i of order) {
    const d = set.descriptors[i]!;
    const hits = bf.knn(d, 20);
    bf.add(i, d);
    eng.insert(i, hits);
  }
  return eng;
}

/** Labels by face id (0..n-1). */
function byFace(eng: ClusterEngine, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, id) => eng.labelOf(id)!);
}

const hard = () => syntheticFaces({ people: 60, perPerson: [1, 25], seed: 11, within: 0.48, between: 0.6 });

for (const weight of ['binary', 'linear', 'gaussian'] as const) {
  test(`incremental matches batch on planted data (${weight} weights)`, () => {
    const set = hard();
    const n = set.descriptors.length;
    const eng = stream(set, [...Array(n).keys()], weight);
    const inc = byFace(eng, n);
    const batch = eng.batchClusters();
    assert.ok(pairwise(inc, batch).f1 >= 0.99, `incremental vs batch ${pairwise(inc, batch).f1}`);
    assert.ok(bcubed(inc, set.truth).f1 >= 0.95, `incremental vs truth ${bcubed(inc, set.truth).f1}`);
    assert.ok(bcubed(batch, set.truth).f1 >= 0.95, `batch vs truth ${bcubed(batch, set.truth).f1}`);
  });
}

test('shuffled arrival order gives the same partition', () => {
  const set = hard();
  const n = set.descriptors.length;
  const forward = byFace(stream(set, [...Array(n).keys()]), n);
  const backward = byFace(stream(set, [...Array(n).keys()].reverse()), n);
  const interleaved = [...Array(n).keys()].sort((a, b) => (a % 7) - (b % 7) || a - b);
  const third = byFace(stream(set, interleaved), n);
  assert.ok(pairwise(forward, backward).f1 >= 0.99, `forward vs backward ${pairwise(forward, backward).f1}`);
  assert.ok(pairwise(forward, third).f1 >= 0.99, `forward vs interleaved ${pairwise(forward, third).f1}`);
});

test('new faces join an existing person; a far face starts a new one', () => {
  const set = syntheticFaces({ people: 2, perPerson: 10, seed: 2, shuffle: false });
  const eng = stream(set, [...Array(20).keys()]);
  assert.equal(new Set(Array.from(byFace(eng, 20))).size, 2);
  assert.equal(eng.labelOf(0), eng.labelOf(9));
  assert.notEqual(eng.labelOf(0), eng.labelOf(10));
  assert.equal(eng.sizes.get(eng.labelOf(0)!), 10);
});

test('must-link and cannot-link hold after settling and after a batch run', () => {
  const set = syntheticFaces({ people: 3, perPerson: 12, seed: 4, shuffle: false });
  const eng = stream(set, [...Array(36).keys()]);
  // must-link face 0 (person 0) with face 12 (person 1); cannot-link faces 24 and 25 (both person 2)
  eng.setConstraints([[0, 12]], [[24, 25]]);
  eng.settle(eng.constrainedNodes());
  assert.equal(eng.labelOf(0), eng.labelOf(12));
  assert.notEqual(eng.labelOf(24), eng.labelOf(25));
  const batch = eng.batchClusters();
  assert.equal(batch[eng.graph.node(0)!], batch[eng.graph.node(12)!]);
  assert.notEqual(batch[eng.graph.node(24)!], batch[eng.graph.node(25)!]);
});

test('removing a face drops its edges and its count', () => {
  const set = syntheticFaces({ people: 1, perPerson: 5, seed: 5 });
  const eng = stream(set, [0, 1, 2, 3, 4]);
  const label = eng.labelOf(0)!;
  const nbrs = eng.removeFace(2);
  assert.ok(nbrs.length > 0);
  assert.equal(eng.labelOf(2), undefined);
  assert.equal(eng.sizes.get(label), 4);
  for (const m of nbrs) assert.ok(!eng.graph.neighbours(m).includes(eng.graph.node(2) ?? -1));
  assert.equal(eng.batchClusters().filter((c) => c >= 0).length, 4);
});

test('joinDistance: one weak link does not pull a face in; a strong one does', () => {
  const eng = new ClusterEngine({ threshold: 0.5, k: 20, weight: 'linear', seed: 1, joinDistance: 0.4 });
  eng.insert(1, []);
  eng.insert(2, [{ id: 1, distance: 0.45 }]); // weaker than one edge at 0.4: stays alone
  assert.notEqual(eng.labelOf(2), eng.labelOf(1));
  eng.insert(3, [{ id: 1, distance: 0.2 }]); // strong: joins face 1
  assert.equal(eng.labelOf(3), eng.labelOf(1));
  eng.insert(4, [{ id: 1, distance: 0.45 }, { id: 3, distance: 0.45 }]); // two weak links to one person add up
  assert.equal(eng.labelOf(4), eng.labelOf(1));
  const plain = new ClusterEngine({ threshold: 0.5, k: 20, weight: 'linear', seed: 1 });
  plain.insert(1, []);
  plain.insert(2, [{ id: 1, distance: 0.45 }]);
  assert.equal(plain.labelOf(2), plain.labelOf(1));
});

test('a batch run in a worker thread gives the same labels as in this thread, constraints included', async () => {
  const set = hard();
  const n = set.descriptors.length;
  const eng = stream(set, [...Array(n).keys()]);
  eng.setConstraints([[0, 1]], [[2, 3]]);
  const here = eng.batchClusters();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const threaded = await eng.batchClustersAsync({ threadAbove: 0 });
  clearInterval(timer);
  assert.deepEqual(Array.from(threaded), Array.from(here));
  assert.ok(ticks > 0, 'the event loop ran while the worker worked');
  assert.deepEqual(Array.from(await eng.batchClustersAsync()), Array.from(here), 'small graphs run in this thread');
});

/** Two one-camera visits of two people: each tight (spread 0.2), 0.49 apart on average, as two men in scripts/clips-eval.ts were. */
function twoTightVisits(): Float32Array[] {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centre = (shift: number) => Float32Array.from({ length: 128 }, (_, i) => (i === 0 ? shift : 0));
  const out: Float32Array[] = [];
  for (const c of [centre(0), centre(0.45)]) {
    for (let f = 0; f < 12; f++) out.push(Float32Array.from(c, (x) => x + 0.0125 * gauss()));
  }
  return out;
}

test('average-linkage merging with the spread check: two tight visits 0.49 apart on average are two people', () => {
  const faces = twoTightVisits();
  const run = (mergeGap: number) => {
    const eng = new ClusterEngine({ threshold: 0.5, k: 20, weight: 'linear', seed: 1, mergeAverage: 0.5, mergeGap, vectorOf: (id) => faces[id] });
    const bf = new BruteKnn();
    faces.forEach((d, i) => {
      eng.insert(i, bf.knn(d, 20));
      bf.add(i, d);
    });
    const live = byFace(eng, faces.length);
    return { live: new Set(live).size, batch: new Set(eng.batchClusters()).size, crossEdge: bf.knn(faces[0]!, 24).some((h) => h.id >= 12 && h.distance < 0.5) };
  };
  const off = run(0);
  assert.ok(off.crossEdge, 'the two visits share graph edges (so they are merge candidates)');
  assert.deepEqual([off.live, off.batch], [1, 1], 'the mean alone (0.49 < 0.5) merges them');
  const on = run(0.2);
  assert.deepEqual([on.live, on.batch], [2, 2], 'the spread check keeps two people');
});
