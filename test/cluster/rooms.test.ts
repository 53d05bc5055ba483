/** Edge cases of the cluster engine's rooms: the union-find, the label table and the constraints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnionFind } from '../../src/cluster/union-find.js';
import { LabelTable } from '../../src/cluster/labels.js';
import { combineConstraints, Constraints } from '../../src/cluster/constraints.js';

test('union-find: an unknown item is its own set; union keeps the smaller root whatever the order; attach lets the caller choose', () => {
  const u = new UnionFind();
  assert.equal(u.find(42), 42);
  assert.equal(u.has(42), false);
  assert.deepEqual([...u.groups()], []);
  assert.equal(u.union(9, 3), 3);
  assert.equal(u.union(3, 9), 3, 'joining twice changes nothing');
  assert.equal(u.union(7, 8), 7);
  assert.equal(u.union(8, 9), 3, 'the smaller of the two roots survives');
  assert.deepEqual([...u.groups()], [[3, [3, 7, 8, 9]]]);
  u.union(20, 21);
  u.attach(20, 21 + 100); // the caller's root, even a larger one
  assert.equal(u.find(21), 121);
  assert.equal(u.find(20), 121);
  assert.equal(u.union(5, 5), 5, 'a self-union is a set of one');
  assert.deepEqual(u.groups().get(5), [5]);
});

test('label table: place, move and unplace keep sizes; the journal records the first old label once (NaN for new)', () => {
  const t = new LabelTable();
  t.ensure(4);
  t.place(0, 7, false);
  t.place(1, 7, false);
  t.place(2, t.fresh(), true);
  assert.equal(t.get(2), -1);
  assert.equal(t.fresh(), -2, 'temporary labels are never reused');
  assert.deepEqual([...t.sizes], [[7, 2], [-1, 1]]);
  t.move(0, 9);
  t.move(0, 11);
  t.move(1, 7); // no change: not journaled
  const j = t.takeJournal();
  assert.deepEqual([...j.keys()].sort(), [0, 2]);
  assert.equal(j.get(0), 7, 'the label before the first change');
  assert.ok(Number.isNaN(j.get(2)!), 'a new node');
  assert.equal(t.takeJournal().size, 0, 'taking the journal empties it');
  t.unplace(1);
  assert.equal(t.sizes.has(7), false, 'a label without faces leaves sizes');
  assert.deepEqual(Array.from(t.snapshot(3, Uint8Array.from([1, 0, 1]))), [11, -1, -1]);
  t.ensure(2);
  assert.equal(t.raw.length, 4, 'ensure never shrinks');
});

test('constraints: must-link closes transitively; cannot-link inside a group, to an unknown face or to itself is dropped; partners are symmetric', () => {
  const nodeOf = (id: number) => (id >= 100 ? undefined : id);
  const user = { mustLink: [[1, 2], [3, 2]] as const, cannotLink: [[1, 3], [4, 5], [4, 100]] as const };
  const other = { mustLink: [[6, 7]] as const, cannotLink: [[5, 5]] as const };
  const c = Constraints.fromPairs(combineConstraints([user, other]), nodeOf);
  assert.deepEqual(c.groupOf(3), [1, 2, 3]);
  assert.equal(c.groupOf(1), c.groupOf(2), 'one shared group');
  assert.deepEqual(c.groupOf(6), [6, 7]);
  assert.equal(c.groupOf(4), undefined);
  assert.deepEqual(c.partnersOf(1), [], 'must-link wins over a cannot-link inside the group');
  assert.deepEqual(c.partnersOf(4), [5]);
  assert.deepEqual(c.partnersOf(5), [4], 'symmetric; the self-pair is dropped');
  assert.deepEqual(c.cannotPairs(), [[4, 5]]);
  assert.equal(c.touches(2), true);
  assert.equal(c.touches(8), false);
  assert.deepEqual(c.nodes().sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(Constraints.none().hasGroups, false);
  assert.deepEqual(Constraints.fromPairs({ mustLink: [[1, 100]], cannotLink: [] }, nodeOf).nodes(), [], 'a pair with an unknown face is ignored');
});

test('constraints: add extends in place as fromPairs would (groups joined, a cannot-link inside a group skipped); drop forgets a removed node', () => {
  const nodeOf = (id: number) => (id >= 100 ? undefined : id);
  const c = Constraints.none();
  assert.deepEqual(c.add({ mustLink: [[1, 2]], cannotLink: [[2, 9]] }, nodeOf).sort((a, b) => a - b), [1, 2, 9]);
  c.add({ mustLink: [[3, 4], [2, 3], [5, 100]], cannotLink: [[1, 4], [9, 2], [6, 6]] }, nodeOf);
  const all = Constraints.fromPairs({ mustLink: [[1, 2], [3, 4], [2, 3]], cannotLink: [[2, 9]] }, nodeOf);
  for (const n of [1, 2, 3, 4, 9]) {
    assert.deepEqual(c.groupOf(n), all.groupOf(n), `group of ${n}`);
    assert.deepEqual(c.partnersOf(n), all.partnersOf(n), `partners of ${n}`);
  }
  assert.equal(c.groupOf(1), c.groupOf(4), 'one shared group after joining two');
  assert.deepEqual(c.add({ mustLink: [[1, 4]], cannotLink: [[2, 9]] }, nodeOf), [], 'nothing new: nothing touched');
  c.drop(2);
  assert.deepEqual(c.groupOf(1), [1, 3, 4]);
  assert.deepEqual(c.partnersOf(9), []);
  c.drop(3);
  c.drop(4);
  assert.equal(c.groupOf(1), undefined, 'a group of one is no group');
});
