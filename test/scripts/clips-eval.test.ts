import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLabels, scoreClips } from '../../scripts/clips-eval.js';

test('clips-eval scoring: one person per clip, merges across clips and split clips are counted; gated faces are left out', () => {
  const row = (clip: string, person: number | null, clusterable = 1) => ({ camera_id: clip, clusterable, person_id: person });
  const rows = [
    row('a', 1), row('a', 1), row('a', 1),
    row('b', 1), row('b', 1), // b's person taken for a's: one merge
    row('c', 2), row('c', 2), row('c', 3), // c split over two people
    row('c', null, 0), row('a', 4, 0), // below the quality gate: not scored
  ];
  const s = scoreClips(rows, 3);
  assert.equal(s.people, 3);
  assert.equal(s.confirmed, 1, 'only person 1 has >= 3 clustered faces');
  assert.equal(s.merged, 1);
  assert.equal(s.split, 1);
  assert.deepEqual(s.perClip.c, { faces: 3, people: 2, topShare: 2 / 3 });
  assert.ok(s.bcubed.precision < 1 && s.bcubed.recall < 1);
  const perfect = scoreClips([row('a', 1), row('a', 1), row('b', 2)], 1);
  assert.deepEqual([perfect.merged, perfect.split, perfect.bcubed.f1], [0, 0, 1]);
});

test('clips-eval: people holding two faces of one frame are counted, gated faces included', () => {
  const row = (clip: string, person: number | null, ts: number, clusterable = 1) => ({ camera_id: clip, clusterable, person_id: person, ts });
  const rows = [row('a', 1, 10), row('a', 2, 10), row('a', 1, 20), row('a', 1, 20, 0), row('b', 3, 10), row('b', 3, 10), row('b', 3, 30), row('a', null, 30), row('a', null, 30)];
  assert.equal(scoreClips(rows, 1).twoInOneFrame, 2, 'person 1 (a gated face beside a clustered one) and person 3');
  assert.equal(scoreClips(rows.filter((r) => r.person_id !== 3 && r.clusterable === 1), 1).twoInOneFrame, 0);
});

test('clips-eval: the label "one person per clip" is also scored on the faces alone in their frame only', () => {
  const row = (clip: string, person: number, ts: number, clusterable = 1) => ({ camera_id: clip, clusterable, person_id: person, ts });
  // Clip a's speaker (person 1) in frames 10 and 20; an audience shot at 30 with two other people (2, 3).
  const rows = [row('a', 1, 10), row('a', 1, 20), row('a', 2, 30), row('a', 3, 30), row('b', 4, 10), row('b', 4, 20, 0), row('b', 4, 30)];
  const s = scoreClips(rows, 1);
  assert.ok(s.bcubed.recall < 1, 'all faces: the audience counts as clip a\'s one person');
  assert.equal(s.alone.faces, 4, 'the two faces of frame a@30 are left out');
  assert.deepEqual([s.alone.bcubed.precision, s.alone.bcubed.recall], [1, 1]);
});

test('clips-eval --labels: rules by time and position name who a face shows; the score uses them', () => {
  const row = (clip: string, person: number, t: number, x: number) => ({ camera_id: clip, clusterable: 1, person_id: person, ts: 1000 + t * 1000, frame_pos: t, x, w: 20 });
  // Clip h: the singer (1) until 4 s, then an audience shot with two people (2 left, 3 right).
  const rows = [row('h', 1, 0, 300), row('h', 1, 2, 310), row('h', 2, 5, 40), row('h', 3, 5, 400), row('h', 2, 6, 50), row('h', 3, 6, 410), row('k', 4, 1, 100)];
  const labels = { h: [{ from: 4, to: 10, xMax: 200, label: 'left' }, { from: 4, to: 10, label: 'right' }] };
  const labelled = applyLabels(rows, labels);
  assert.deepEqual(labelled.map((r) => r.label), [undefined, undefined, 'left', 'right', 'left', 'right', undefined]);
  assert.ok(scoreClips(rows, 1).bcubed.recall < 1, 'one person per clip: the audience looks like a split');
  assert.equal(scoreClips(labelled, 1).bcubed.f1, 1, 'with the labels: three people, all right');
  const merged = applyLabels(rows.map((r) => ({ ...r, person_id: r.camera_id === 'h' ? 1 : 4 })), labels);
  assert.ok(scoreClips(merged, 1).bcubed.precision < 1, 'and the singer taken for the audience is a merge');
});

test('clips-eval box labels: stored faces take the person of the box they overlap; recall over faces > 24 px; mixed people counted', async () => {
  const { scoreBoxes } = await import('../../scripts/clips-eval.js');
  const face = (person: number | null, t: number, x: number, h = 40, clusterable = 1) => ({ camera_id: 'crowd', clusterable, person_id: person, frame_pos: t, x, y: 100, w: h * 0.8, h });
  const labels = [{
    clip: 'crowd',
    frames: [
      { t: 0, faces: [{ x: 100, y: 100, w: 32, h: 40, person: 'ann' }, { x: 300, y: 100, w: 32, h: 40, person: 'bob' }, { x: 600, y: 100, w: 16, h: 20, person: 'tiny' }] },
      { t: 1, faces: [{ x: 110, y: 100, w: 32, h: 40, person: 'ann' }, { x: 310, y: 100, w: 32, h: 40, person: 'bob' }] },
    ],
  }];
  // Frame 0: ann and bob stored, as persons 1 and 2, the tiny face not; a false box at 900.
  // Frame 1: ann stored as person 1 (a gated sighting), bob missed; a face at t=0.5 is in no labelled frame.
  const rows = [face(1, 0, 101), face(2, 0, 299), face(3, 0, 900), face(1, 1, 111, 40, 0), face(5, 0.5, 300)];
  const s = scoreBoxes(rows, labels, 0.1);
  assert.deepEqual([s.labelled, s.stored, s.mixed, s.unlabelled], [4, 3, 0, 1], 'the 20 px face is not counted in the recall');
  assert.deepEqual(s.perPerson, { 'crowd/ann': [1], 'crowd/bob': [2] });
  assert.equal(s.bcubed.f1, 1);
  // bob's frame-0 face taken for ann's person: person 1 holds two labelled people.
  const mixed = scoreBoxes([face(1, 0, 101), face(1, 0, 299), face(1, 1, 111)], labels, 0.1);
  assert.equal(mixed.mixed, 1);
  assert.ok(mixed.bcubed.precision < 1);
});
