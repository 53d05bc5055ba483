/**
 * The review actions as the CLI and the review page run them (src/review), offline (no daemon):
 * every action lands in the audit log with who and when; a label and a merge can be undone,
 * and an undone merge leaves the constraints and the people as they were, even after a later merge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { label, merge, notPerson, watchFromFace } from '../../src/review/actions.js';
import { changePeople, type ReviewContext } from '../../src/review/change.js';
import { undo } from '../../src/review/undo.js';
import { storeFaces, tempStore } from '../cluster/helpers.js';

async function setup() {
  const t = await tempStore();
  const set = syntheticFaces({ people: 4, perPerson: 6, seed: 11, shuffle: false });
  const ids = await storeFaces(t.store, set.descriptors);
  const config = configSchema.parse({ storage: { dir: t.dir } });
  const ctx: ReviewContext = { config, store: t.store, actor: 'cli:tester', daemonPid: () => undefined, log: silentLogger };
  await changePeople(ctx, { kind: 'recluster', args: {} });
  const a = await t.store.people.assignments();
  const people = [0, 6, 12, 18].map((i) => a.get(ids[i]!)!);
  assert.equal(new Set(people).size, 4, 'four people after the re-cluster');
  return { ...t, ids, ctx, people };
}

const links = async (ctx: ReviewContext) => (await ctx.store.constraints.list('must_link')).map((c) => `${c.faceA},${c.faceB}`).sort();

test('label: recorded with who and the previous label; undo brings the previous one back, once', async () => {
  const { ctx, people, cleanup } = await setup();
  try {
    const [p] = people;
    await label(ctx, p!, 'Grace');
    const r = await label(ctx, p!, 'Grace Hopper');
    assert.deepEqual([r.label, r.previous], ['Grace Hopper', 'Grace']);
    const e = (await ctx.store.audit.get(r.audit))!;
    assert.deepEqual([e.actor, e.action, e.summary], ['cli:tester', 'label', `person ${p} labelled "Grace Hopper"`]);
    assert.ok(Math.abs(e.at - Date.now()) < 60_000);
    await undo(ctx, r.audit);
    assert.equal(await ctx.store.people.label(p!), 'Grace');
    await assert.rejects(undo(ctx, r.audit), /already undone/);
    await label(ctx, p!, 'Someone else');
    const first = (await ctx.store.audit.list({ action: 'label' })).at(-1)!;
    await assert.rejects(undo(ctx, first.id), /changed since/, 'an older label change is not undone over a newer one');
    await assert.rejects(label(ctx, p!, 'two\nlines'), /control characters/);
  } finally {
    await cleanup();
  }
});

test('merge, then undo: the merged person is back with its faces and label, and the constraints are as before', async () => {
  const { ctx, store, ids, people, cleanup } = await setup();
  try {
    const [a, b] = people as [number, number];
    await label(ctx, b, 'Bea');
    const before = await store.people.assignments();
    const linksBefore = await links(ctx);
    const m = await merge(ctx, a, b);
    assert.deepEqual([m.kept, m.merged, m.faces], [a, b, 6]);
    assert.equal((await store.people.assignments()).get(ids[6]!), a);
    assert.equal(await store.people.exists(b), false);
    await undo(ctx, m.audit);
    assert.deepEqual(await store.people.assignments(), before, 'every face is where it was');
    assert.equal(await store.people.label(b), 'Bea');
    assert.deepEqual(await links(ctx), linksBefore, 'no must-link of the merge is left');
    // The people can be told apart again: "not this person" on A's face sticks.
    await notPerson(ctx, ids[1]!, a);
    assert.notEqual((await store.people.assignments()).get(ids[1]!), a);
    const kinds = (await store.audit.list()).map((e) => e.action);
    assert.deepEqual(kinds.slice(0, 4), ['not', 'undo', 'merge', 'label']);
    await assert.rejects(undo(ctx, (await store.audit.list({ action: 'not' }))[0]!.id), /a not cannot be undone/);
    await assert.rejects(merge(ctx, a, a), /already one person/);
  } finally {
    await cleanup();
  }
});

test('undo of a merge after a later merge: only the first merge is undone', async () => {
  const { ctx, store, ids, people, cleanup } = await setup();
  try {
    const [a, b, c] = people as [number, number, number];
    const first = await merge(ctx, a, b);
    await merge(ctx, a, c);
    await undo(ctx, first.audit);
    const now = await store.people.assignments();
    assert.deepEqual([0, 6, 12].map((i) => now.get(ids[i]!)), [a, b, a], 'B is alone again, C stays merged into A');
    await changePeople(ctx, { kind: 'recluster', args: {} });
    const after = await store.people.assignments();
    assert.equal(after.get(ids[12]!), after.get(ids[0]!), 'the second merge holds through a re-cluster');
    assert.equal(after.get(ids[7]!), after.get(ids[6]!));
  } finally {
    await cleanup();
  }
});

test('a watch-list entry from a stored face, recorded in the audit log', async () => {
  const { ctx, store, ids, cleanup } = await setup();
  try {
    const r = await watchFromFace(ctx, 'J. Doe', ids[3]!);
    const list = await store.watch.list();
    assert.deepEqual(list.map((e) => [e.name, e.descriptors, e.sources]), [['J. Doe', 1, [`face ${ids[3]}`]]]);
    assert.equal((await store.audit.get(r.audit))!.action, 'watch-add');
    await assert.rejects(watchFromFace(ctx, 'J. Doe', ids[4]!), /already has "J. Doe"/);
    await assert.rejects(watchFromFace(ctx, ' padded', ids[4]!), /not a usable watch name/);
    await assert.rejects(watchFromFace(ctx, 'Nobody', 999_999), /no face 999999/);
  } finally {
    await cleanup();
  }
});
