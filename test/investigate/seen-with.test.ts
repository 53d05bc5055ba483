/** Seen with and route: pure functions over sightings (no store), and the in-memory source the report uses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraSequence, companionsOf, MemorySightings, routeOf, searchRanges, seenWith, type FullSighting, type Sighting } from '../../src/investigate/index.js';

let nextFace = 1;
const s = (personId: number, cameraId: string, ts: number): FullSighting => ({ faceId: nextFace++, personId, cameraId, ts, framePos: ts / 1000 });
const S = 1000;

test('seen with: same frame and within the window on the same camera count; other cameras and farther times do not', () => {
  const me = [s(1, 'lobby', 0), s(1, 'lobby', 1 * S), s(1, 'lobby', 2 * S), s(1, 'door', 100 * S)];
  const others: Sighting[] = [
    s(2, 'lobby', 0), s(2, 'lobby', 1 * S), // same frames as person 1, twice
    s(3, 'lobby', 9 * S), // 7 s after person 1's last lobby sighting: inside a 10 s window
    s(4, 'door', 0), // door, but 100 s before person 1 was there
    s(5, 'hall', 1 * S), // a camera person 1 never was on
    s(6, 'lobby', 13 * S), // 11 s after: outside the window
  ];
  const c = seenWith(me, others, 10 * S);
  assert.deepEqual(c.map((x) => x.personId), [2, 3]);
  assert.equal(c[0]!.sameFrames, 2);
  assert.equal(c[0]!.moments.length, 1);
  assert.deepEqual([c[0]!.moments[0]!.start, c[0]!.moments[0]!.end], [0, 1 * S]);
  assert.equal(c[1]!.sameFrames, 0);
  assert.deepEqual(c[1]!.cameras, ['lobby']);
  // Window 0: the same frame only.
  assert.deepEqual(seenWith(me, others, 0).map((x) => x.personId), [2]);
});

test('seen with: moments split where the other was away longer than the window; ranked by moments, then shared frames', () => {
  const me = [0, 5, 10, 300, 305, 600].map((t) => s(1, 'lobby', t * S));
  const often = [0, 10, 300, 600].map((t) => s(7, 'lobby', t * S)); // three separate moments (0-10 s, 300 s, 600 s)
  const close = [0, 5, 10, 300, 305].map((t) => s(8, 'lobby', t * S)); // two moments, but five frames shared
  const c = seenWith(me, [...close, ...often], 10 * S);
  assert.deepEqual(c.map((x) => [x.personId, x.moments.length, x.sameFrames]), [[7, 3, 4], [8, 2, 5]]);
  assert.deepEqual(c[0]!.moments.map((m) => [m.start, m.end]), [[0, 10 * S], [300 * S, 300 * S], [600 * S, 600 * S]]);
  // A moment names one face of each, at their closest.
  const m = c[1]!.moments[1]!;
  assert.equal(m.sameFrames, 2);
  assert.ok(me.some((x) => x.faceId === m.faceId) && close.some((x) => x.faceId === m.otherFaceId));
});

test('seen with: the person is never their own companion, and nobody around gives nobody', () => {
  const me = [s(1, 'lobby', 0)];
  assert.deepEqual(seenWith(me, [s(1, 'lobby', 0)], 10 * S), []);
  assert.deepEqual(seenWith(me, [], 10 * S), []);
  assert.deepEqual(seenWith([], [s(2, 'lobby', 0)], 10 * S), []);
});

test('searchRanges: one range per stretch of sightings on a camera, widened by the window', () => {
  const me = [s(1, 'lobby', 0), s(1, 'lobby', 15 * S), s(1, 'lobby', 100 * S), s(1, 'door', 50 * S)];
  assert.deepEqual(searchRanges(me, 10 * S), [
    { camera: 'door', from: 40 * S, to: 60 * S },
    { camera: 'lobby', from: -10 * S, to: 25 * S },
    { camera: 'lobby', from: 90 * S, to: 110 * S },
  ]);
});

test('companionsOf over a source: the same answer as seenWith over every sighting (MemorySightings)', async () => {
  const all = [s(1, 'lobby', 0), s(1, 'lobby', 50 * S), s(2, 'lobby', 0), s(3, 'lobby', 55 * S), s(4, 'lobby', 30 * S), s(2, 'door', 0)];
  const src = new MemorySightings(all);
  const got = await companionsOf(src, 1, 10 * S);
  assert.deepEqual(got, seenWith(all.filter((x) => x.personId === 1), all.filter((x) => x.personId !== 1), 10 * S));
  assert.deepEqual(got.map((c) => c.personId), [2, 3]);
  assert.deepEqual((await src.othersOnCamera('lobby', 0, 30 * S, 1)).map((x) => x.personId), [2, 4]);
});

test('route: visits across cameras in time order, with the time since the previous visit and overlaps', () => {
  const sightings = [
    s(1, 'lobby', 0), s(1, 'lobby', 20 * S), // lobby 0-20 s
    s(1, 'hall', 60 * S), s(1, 'hall', 70 * S), // hall 60-70 s, 40 s after the lobby
    s(1, 'lobby', 65 * S), // back in the lobby's view while the hall still sees them (overlapping views)
    s(1, 'lobby', 1000 * S), // lobby again, much later (a new visit: gap 300 s)
  ];
  const legs = routeOf(sightings, 300 * S);
  assert.deepEqual(legs.map((l) => [l.camera, l.start, l.end, l.faces]), [['lobby', 0, 65 * S, 3], ['hall', 60 * S, 70 * S, 2], ['lobby', 1000 * S, 1000 * S, 1]]);
  assert.deepEqual(legs.map((l) => l.sincePrevious), [null, -5 * S, 930 * S]);
  assert.deepEqual(legs.map((l) => l.moved), [false, true, true]);
  assert.equal(legs[0]!.firstFaceId, sightings[0]!.faceId);
  assert.equal(legs[0]!.firstPos, 0);
  assert.deepEqual(cameraSequence(legs), ['lobby', 'hall', 'lobby']);
  // A shorter gap splits the first lobby stretch.
  assert.deepEqual(routeOf(sightings, 30 * S).map((l) => l.camera), ['lobby', 'hall', 'lobby', 'lobby']);
  assert.deepEqual(routeOf([], 30 * S), []);
});
