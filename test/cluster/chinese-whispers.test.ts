import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chineseWhispers, mulberry32, type Edge } from '../../src/cluster/chinese-whispers.js';
import { pairwise } from '../../src/eval/metrics.js';

const rng = () => mulberry32(7);

test('no edges: every node is its own cluster', () => {
  const r = chineseWhispers(4, [], { rng: rng() });
  assert.equal(r.clusters, 4);
  assert.deepEqual(Array.from(r.labels), [0, 1, 2, 3]);
});

test('zero nodes', () => {
  const r = chineseWhispers(0, [], { rng: rng() });
  assert.equal(r.clusters, 0);
  assert.equal(r.labels.length, 0);
});

test('one edge joins its two nodes and nothing else', () => {
  const r = chineseWhispers(3, [{ a: 0, b: 1 }], { rng: rng() });
  assert.equal(r.clusters, 2);
  assert.equal(r.labels[0], r.labels[1]);
  assert.notEqual(r.labels[0], r.labels[2]);
});

test('self-loops alone change nothing; with dlib order they anchor a node', () => {
  const r = chineseWhispers(3, [{ a: 0, b: 0 }, { a: 1, b: 1 }, { a: 2, b: 2 }], { rng: rng(), order: 'dlib' });
  assert.equal(r.clusters, 3);
  // a heavy self-loop outvotes a light edge
  const s = chineseWhispers(2, [{ a: 0, b: 0, w: 5 }, { a: 1, b: 1, w: 5 }, { a: 0, b: 1, w: 1 }], { rng: rng() });
  assert.equal(s.clusters, 2);
});

test('out-of-range edge is refused', () => {
  assert.throws(() => chineseWhispers(2, [{ a: 0, b: 2 }], { rng: rng() }), RangeError);
});

function planted(groups: number, size: number, pIn: number, pOut: number, seed: number): { n: number; edges: Edge[]; truth: number[] } {
  const r = mulberry32(seed);
  const n = groups * size;
  const truth = Array.from({ length: n }, (_, i) => Math.floor(i / size));
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (r() < (truth[i] === truth[j] ? pIn : pOut)) edges.push({ a: i, b: j });
    }
  }
  return { n, edges, truth };
}

test('planted partition is recovered (passes and dlib order)', () => {
  for (const seed of [1, 2, 3, 4]) {
    const { n, edges, truth } = planted(10, 20, 0.5, 0.005, seed);
    const r = chineseWhispers(n, edges, { rng: mulberry32(seed) });
    assert.ok(r.clusters >= 10 && r.clusters <= 11, `${r.clusters} clusters`);
    assert.ok(pairwise(r.labels, truth).f1 > 0.97);
    // dlib's order and tie rule (smallest label wins) recover groups without cross edges exactly
    const inside = edges.filter((e) => truth[e.a] === truth[e.b]);
    const d = chineseWhispers(n, inside, { rng: mulberry32(seed), order: 'dlib' });
    assert.equal(pairwise(d.labels, truth).f1, 1);
  }
});

test('same seed, same result; labels numbered by first appearance', () => {
  const { n, edges } = planted(8, 15, 0.3, 0.03, 5);
  const a = chineseWhispers(n, edges, { rng: mulberry32(42) });
  const b = chineseWhispers(n, edges, { rng: mulberry32(42) });
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.labels[0], 0);
});

test('weights decide: a node follows the heavier side', () => {
  // node 2 ties 0-1 (weight 1 each) against 3-4 (weight 3 each)
  const edges: Edge[] = [{ a: 0, b: 1, w: 5 }, { a: 3, b: 4, w: 5 }, { a: 2, b: 0, w: 1 }, { a: 2, b: 1, w: 1 }, { a: 2, b: 3, w: 3 }, { a: 2, b: 4, w: 3 }];
  const r = chineseWhispers(5, edges, { rng: rng() });
  assert.equal(r.labels[2], r.labels[3]);
  assert.notEqual(r.labels[2], r.labels[0]);
});

test('cannot-link pairs never share a cluster', () => {
  const edges: Edge[] = [];
  for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) edges.push({ a: i, b: j });
  const r = chineseWhispers(6, edges, { rng: rng(), cannotLink: [[0, 5]] });
  assert.notEqual(r.labels[0], r.labels[5]);
  const without = chineseWhispers(6, edges, { rng: rng() });
  assert.equal(without.clusters, 1);
});
