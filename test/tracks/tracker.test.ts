/**
 * The tracker's contract, edge cases first: empty frames, two people crossing, leaving and
 * returning after maxGap, frame size change, feed restart, scene cut, descriptor jump, stills.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker, sceneCorrelation, type TrackFace, type TrackFrame, type TrackerSettings } from '../../src/tracks/index.js';

const SETTINGS: TrackerSettings = {
  maxGap: 3000,
  maxMove: 4,
  maxDistance: 0.42,
  descriptorHeight: 60,
  sceneCut: 0.25,
  bestFaces: 5,
  goodHeight: 80,
  sharpnessHalf: 50,
};

/** A descriptor per identity: identities 0.6 apart, small jitter within one. */
const identity = (k: number, jitter = 0): Float32Array =>
  Float32Array.from({ length: 128 }, (_, i) => (i === k ? 0.6 / Math.SQRT2 : 0) + (i === 100 + k ? -0.6 / Math.SQRT2 : 0) + (i === 127 ? jitter : 0));

function face(x: number, y: number, who: number, opts: { h?: number; jitter?: number; clusterable?: boolean; yaw?: number } = {}): TrackFace {
  const h = opts.h ?? 80;
  return {
    box: { x, y, width: h * 0.8, height: h },
    score: 0.9,
    descriptor: identity(who, opts.jitter ?? 0),
    quality: { height: h, sharpness: 100, yaw: opts.yaw ?? 0.05 },
    clusterable: opts.clusterable ?? h >= 40,
  };
}

const frame = (i: number, extra: Partial<TrackFrame> = {}): TrackFrame => ({ cameraId: 'cam', ts: 1_000_000 + i * 500, pos: i * 0.5, width: 640, height: 360, ...extra });

test('empty frames: nothing linked, nothing ended, and a face after empty frames within maxGap continues its track', () => {
  const t = new Tracker(SETTINGS);
  assert.deepEqual(t.step(frame(0), []), { links: [], ended: [] });
  const a = t.step(frame(1), [face(100, 100, 1)]).links[0]!;
  assert.equal(a.isNew, true);
  for (const i of [2, 3, 4]) assert.deepEqual(t.step(frame(i), []).ended, []);
  const b = t.step(frame(5), [face(104, 100, 1)]).links[0]!;
  assert.equal(b.isNew, false);
  assert.equal(b.track.key, a.track.key);
  assert.equal(b.track.faces, 2);
});

test('two people crossing: each keeps its own track; two faces of one frame never share a track', () => {
  const t = new Tracker(SETTINGS);
  const keys: Array<[number, number]> = [];
  // Person 1 walks right, person 2 walks left, at one face width per frame; they cross at frame 3.
  for (let i = 0; i < 7; i++) {
    const r = t.step(frame(i), [face(100 + i * 60, 100, 1, { jitter: i * 0.01 }), face(460 - i * 60, 104, 2, { jitter: i * 0.01 })]);
    assert.notEqual(r.links[0]!.track.key, r.links[1]!.track.key);
    keys.push([r.links[0]!.track.key, r.links[1]!.track.key]);
  }
  assert.ok(keys.every(([a, b]) => a === keys[0]![0] && b === keys[0]![1]), JSON.stringify(keys));
});

test('two identical-looking small faces in one frame still get two tracks', () => {
  const t = new Tracker(SETTINGS);
  const r = t.step(frame(0), [face(100, 100, 1, { h: 20 }), face(125, 100, 1, { h: 20 })]);
  assert.equal(new Set(r.links.map((l) => l.track.key)).size, 2);
  const s = t.step(frame(1), [face(101, 100, 1, { h: 20 }), face(126, 100, 1, { h: 20 })]);
  assert.deepEqual(s.links.map((l) => l.track.key), r.links.map((l) => l.track.key));
});

test('a person leaving and coming back after maxGap gets a new track; the old one ends with "gap"', () => {
  const t = new Tracker(SETTINGS);
  const first = t.step(frame(0), [face(100, 100, 1)]).links[0]!.track.key;
  t.step(frame(1), [face(102, 100, 1)]);
  // frame 1 is at +500 ms; frame 9 is 4 s later (> maxGap 3 s).
  const r = t.step(frame(9), [face(102, 100, 1)]);
  assert.deepEqual(r.ended.map((e) => [e.track.key, e.reason, e.track.faces]), [[first, 'gap', 2]]);
  assert.equal(r.links[0]!.isNew, true);
  assert.notEqual(r.links[0]!.track.key, first);
});

test('a frame size change ends the camera\'s tracks ("resize") even where the face stays put', () => {
  const t = new Tracker(SETTINGS);
  const first = t.step(frame(0), [face(100, 100, 1)]).links[0]!.track.key;
  const r = t.step(frame(1, { width: 1280, height: 720 }), [face(100, 100, 1)]);
  assert.deepEqual(r.ended.map((e) => [e.track.key, e.reason]), [[first, 'resize']]);
  assert.equal(r.links[0]!.isNew, true);
});

test('a feed restart (new run, or time or position going back) ends the tracks ("restart")', () => {
  const t = new Tracker(SETTINGS);
  t.step(frame(0, { run: 1 }), [face(100, 100, 1)]);
  assert.equal(t.step(frame(1, { run: 2 }), [face(100, 100, 1)]).ended[0]?.reason, 'restart');
  t.step(frame(5, { run: 2 }), [face(100, 100, 1)]);
  const back = t.step(frame(2, { run: 2 }), [face(100, 100, 1)]);
  assert.equal(back.ended[0]?.reason, 'restart', 'a looped file starts again at position 0');
  assert.equal(back.links[0]!.isNew, true);
});

test('a scene cut (the signature\'s layout no longer correlates) ends the tracks; lighting and a moving person do not', () => {
  const t = new Tracker(SETTINGS);
  // A left-to-right gradient; a brighter copy (lights on); the same with a block changed (a person); a mirrored layout (a cut).
  const base = Float32Array.from({ length: 2304 }, (_, i) => 40 + (i % 64) * 2);
  const brighter = base.map((v) => v * 1.3 + 20);
  const person = base.map((v, i) => (i % 64 > 20 && i % 64 < 30 ? 250 : v));
  const cut = base.map((_, i) => 40 + (63 - (i % 64)) * 2);
  t.step(frame(0, { signature: base }), [face(100, 100, 1)]);
  assert.deepEqual(t.step(frame(1, { signature: brighter }), [face(101, 100, 1)]).ended, []);
  assert.deepEqual(t.step(frame(2, { signature: person }), [face(101, 100, 1)]).ended, []);
  const r = t.step(frame(3, { signature: cut }), [face(101, 100, 1)]);
  assert.equal(r.ended[0]?.reason, 'scene');
  assert.equal(r.links[0]!.isNew, true);
  assert.ok(sceneCorrelation(base, cut) < 0);
  assert.equal(sceneCorrelation(new Float32Array(2304), new Float32Array(2304).fill(1)), 1, 'two flat frames are one scene');
  assert.equal(sceneCorrelation(new Float32Array(2304), base), 0, 'black to a picture is a cut');
});

test('a descriptor jump at the same place splits the track; the old track ends "jump" when the new face keeps coming', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1)]).links[0]!.track.key;
  t.step(frame(1), [face(101, 100, 1, { jitter: 0.05 })]);
  const r = t.step(frame(2), [face(102, 100, 3)]);
  assert.deepEqual(r.ended, []);
  const b = r.links[0]!;
  assert.equal(b.isNew, true);
  assert.notEqual(b.track.key, a);
  const keys = [3, 4, 5, 6, 7, 8, 9].map((i) => t.step(frame(i), [face(102, 100, 3)]));
  assert.ok(keys.every((k) => k.links[0]!.track.key === b.track.key));
  assert.deepEqual(keys.flatMap((k) => k.ended.map((e) => [e.track.key, e.reason])), [[a, 'jump']], 'ended after maxGap (3 s) as a jump');
});

test('a strongly turned face that disagrees, alone in a track\'s place, stays in the track as a sighting (out of the aggregate and of clustering)', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1)]).links[0]!;
  const before = a.track.aggregate!;
  const turned = t.step(frame(1), [face(102, 100, 3, { yaw: 0.5 })]).links[0]!;
  assert.equal(turned.track.key, a.track.key);
  assert.equal(turned.sighting, true);
  assert.deepEqual(turned.track.aggregate, before, 'the turned face does not move the aggregate');
  assert.equal(turned.track.faces, 2);
  // The same face frontal (yaw 0.05) is a jump: a new track, contested (it sits in the track's
  // place but its descriptor says someone else), so it starts as a sighting.
  const frontal = t.step(frame(2), [face(104, 100, 3)]).links[0]!;
  assert.notEqual(frontal.track.key, a.track.key);
  assert.equal(frontal.isNew, true);
  assert.equal(frontal.sighting, true);
  assert.equal(frontal.track.identifiable, false);
  // Its next face continues the new track and is trusted: the track's own place and no aggregate to disagree with.
  const next = t.step(frame(3), [face(105, 100, 3)]).links[0]!;
  assert.equal(next.track.key, frontal.track.key);
  assert.equal(next.sighting, undefined);
  // Two turned faces where one track was: ambiguous, neither continues it; both start tracks,
  // contested (in the track's place, disagreeing with it): sightings.
  const u = new Tracker(SETTINGS);
  u.step(frame(0), [face(100, 100, 1)]);
  const two = u.step(frame(1), [face(100, 100, 3, { yaw: 0.5 }), face(140, 100, 4, { yaw: 0.5 })]).links;
  assert.ok(two.every((l) => l.isNew && l.sighting === true));
});

test('one odd face (a hand in front, a bad box) does not cut a track: it becomes a track of its own', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1)]).links[0]!.track.key;
  t.step(frame(1), [face(101, 100, 1)]);
  const odd = t.step(frame(2), [face(102, 100, 3)]).links[0]!;
  assert.notEqual(odd.track.key, a);
  const back = t.step(frame(3), [face(103, 100, 1, { jitter: 0.05 })]).links[0]!;
  assert.equal(back.track.key, a);
  assert.equal(back.track.faces, 3);
  assert.equal(t.step(frame(20), []).ended.find((e) => e.track.key === a)?.reason, 'gap');
});

test('small faces link by position: their descriptors may disagree without a jump', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1, { h: 24 })]).links[0]!.track.key;
  const r = t.step(frame(1), [face(102, 100, 3, { h: 24 })]);
  assert.equal(r.links[0]!.track.key, a);
  assert.deepEqual(r.ended, []);
});

test('a face far beyond maxMove of the prediction starts a new track', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(0, 100, 1)]).links[0]!.track.key;
  // 0.5 s later, 500 px = 6 face heights away: over 4 face heights per second.
  const r = t.step(frame(1), [face(500, 100, 1)]);
  assert.equal(r.links[0]!.isNew, true);
  assert.notEqual(r.links[0]!.track.key, a);
});

test('constant-velocity prediction follows a walker that moves more than its own width per frame', () => {
  const t = new Tracker({ ...SETTINGS, maxMove: 2 });
  // Gate without prediction: 2 face heights per second = 1 face height per 0.5 s frame. After a
  // first step of 0.9 face heights the walker moves 1.6 face heights (64 px) per frame.
  const xs = [0, 36, 100, 164, 228, 292];
  const keys = xs.map((x, i) => t.step(frame(i), [face(x, 100, 1, { h: 40, jitter: i * 0.02 })]).links[0]!.track.key);
  assert.equal(new Set(keys).size, 1, JSON.stringify(keys));
  const fresh = new Tracker({ ...SETTINGS, maxMove: 2 });
  fresh.step(frame(0), [face(100, 100, 1, { h: 40 })]);
  assert.equal(fresh.step(frame(1), [face(164, 100, 1, { h: 40 })]).links[0]!.isNew, true, 'the same step without a velocity is too far');
});

test('a folder of stills: one track per face, each ended at once; nothing links across images', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0, { still: true }), [face(100, 100, 1), face(300, 100, 2)]);
  const b = t.step(frame(1, { still: true }), [face(100, 100, 1)]);
  const keys = [...a.links, ...b.links].map((l) => l.track.key);
  assert.equal(new Set(keys).size, 3);
  assert.deepEqual(a.ended.map((e) => e.reason), ['still', 'still']);
  assert.deepEqual(b.ended.map((e) => [e.track.key, e.reason]), [[keys[2], 'still']]);
  assert.deepEqual(t.open('cam'), []);
});

test('cameras are independent; end() closes a camera\'s open tracks', () => {
  const t = new Tracker(SETTINGS);
  t.step(frame(0), [face(100, 100, 1)]);
  const other = t.step(frame(0, { cameraId: 'b' }), [face(100, 100, 1)]).links[0]!;
  assert.equal(other.isNew, true);
  assert.equal(t.open('cam').length, 1);
  assert.deepEqual(t.end('cam', 'feed-end').map((e) => e.reason), ['feed-end']);
  assert.equal(t.open('cam').length, 0);
  assert.equal(t.open('b').length, 1);
});

test('a track\'s aggregate, best face and identifiable flag follow its faces', () => {
  const t = new Tracker(SETTINGS);
  // Sizes change little from frame to frame (a small face links by position only within BLIND_SCALE).
  const small = t.step(frame(0), [face(100, 100, 1, { h: 38 })]).links[0]!;
  assert.equal(small.track.identifiable, false, 'a 38 px face does not pass the gate');
  assert.equal(small.isBest, true);
  const big = t.step(frame(1), [face(100, 100, 1, { h: 46 })]).links[0]!;
  assert.equal(big.track.identifiable, true);
  assert.equal(big.isBest, true, 'a clusterable face beats one that is not');
  assert.ok(big.track.quality > small.quality);
  assert.deepEqual(Array.from(big.track.aggregate!), Array.from(identity(1)), 'only gated faces make the aggregate');
  const worse = t.step(frame(2), [face(100, 100, 1, { h: 44 })]).links[0]!;
  assert.equal(worse.isBest, false);
  assert.equal(worse.track.faces, 3);
});

test('crowds: a small face between two small tracks links to neither (no blind hop); alone in a track\'s place it links', () => {
  const t = new Tracker(SETTINGS);
  // Two small faces (24 px: descriptor weight 0) side by side, 40 px apart.
  const first = t.step(frame(0), [face(100, 100, 1, { h: 24 }), face(140, 100, 2, { h: 24 })]).links;
  // Next frame: person 1 is gone; person 2's face sits half-way between the two tracks' places.
  const mid = t.step(frame(1), [face(120, 100, 2, { h: 24 })]).links[0]!;
  assert.equal(mid.isNew, true, 'an ambiguous blind link must start a new track');
  assert.ok(![first[0]!.track.key, first[1]!.track.key].includes(mid.track.key));
  // A small face alone in one track's place (the other track far away) continues it.
  const t2 = new Tracker(SETTINGS);
  const a = t2.step(frame(0), [face(100, 100, 1, { h: 24 }), face(400, 100, 2, { h: 24 })]).links;
  const b = t2.step(frame(1), [face(104, 100, 3, { h: 24 }), face(402, 100, 4, { h: 24 })]).links;
  assert.deepEqual(b.map((l) => l.track.key), a.map((l) => l.track.key));
});

test('crowds: a blind link stands against a rival that is clearly further away', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1, { h: 24 }), face(150, 100, 2, { h: 24 })]).links;
  // Each face moved 2 px: its own track's place is far nearer than the other's (50 px away).
  const b = t.step(frame(1), [face(102, 100, 1, { h: 24 }), face(152, 100, 2, { h: 24 })]).links;
  assert.deepEqual(b.map((l) => l.track.key), a.map((l) => l.track.key));
});

test('crowds: a poor face that disagrees continues a track as a sighting only near its predicted place', () => {
  // Frames 500 ms apart, maxMove 4: the allowed move is 2 face heights (160 px for 80 px faces).
  const near = new Tracker(SETTINGS);
  const a = near.step(frame(0), [face(100, 100, 1)]).links[0]!;
  assert.equal(near.step(frame(1), [face(150, 100, 3, { yaw: 0.5 })]).links[0]!.track.key, a.track.key, 'under half the allowed move');
  // The same blurred/turned face 140 px away (most of the allowed move): another person walking past.
  const far = new Tracker(SETTINGS);
  const b = far.step(frame(0), [face(100, 100, 1)]).links[0]!;
  const passer = far.step(frame(1), [face(240, 100, 3, { yaw: 0.5 })]).links[0]!;
  assert.notEqual(passer.track.key, b.track.key);
  assert.equal(passer.sighting, undefined);
});

test('crowds: faces under descriptorHeight (50 px: the descriptor counts two thirds) are blind too when contested', () => {
  const t = new Tracker(SETTINGS);
  const first = t.step(frame(0), [face(100, 100, 1, { h: 50 }), face(180, 100, 2, { h: 50 })]).links;
  // Person 2's face half-way between the two tracks' places (their descriptors tell little at 50 px).
  const mid = t.step(frame(1), [face(140, 100, 2, { h: 50, jitter: 0.2 })]).links[0]!;
  assert.ok(![first[0]!.track.key, first[1]!.track.key].includes(mid.track.key));
});

test('crowds: a small face links by position only to a track seen in one of the camera\'s last three frames', () => {
  const run = (h: number, missed: number) => {
    const t = new Tracker(SETTINGS);
    const a = t.step(frame(0), [face(100, 100, 1, { h })]).links[0]!;
    for (let i = 1; i <= missed; i++) t.step(frame(i), []);
    return t.step(frame(missed + 1), [face(104, 100, 1, { h, jitter: 0.01 })]).links[0]!.track.key === a.track.key;
  };
  assert.equal(run(30, 2), true, 'seen three frames ago (1.5 s at 2 fps): links');
  assert.equal(run(30, 3), false, 'seen four frames ago: a new track (within maxGap, but blind)');
  assert.equal(run(80, 3), true, 'a large face: its descriptor decides, the gap does not matter');
});

test('drop(): a dropped track is forgotten without ending; the next face there starts a new track without its faces', () => {
  const t = new Tracker(SETTINGS);
  const a = t.step(frame(0), [face(100, 100, 1)]).links[0]!;
  t.step(frame(1), [face(102, 100, 1)]);
  t.drop(new Set([a.track.key]));
  assert.deepEqual(t.open('cam'), []);
  const r = t.step(frame(2), [face(104, 100, 1)]);
  assert.deepEqual(r.ended, []);
  assert.equal(r.links[0]!.isNew, true);
  assert.notEqual(r.links[0]!.track.key, a.track.key);
  assert.equal(r.links[0]!.track.faces, 1);
});

test('crowds: a small face links by position only if its size agrees (BLIND_SCALE): a head passing in front is another box size', () => {
  const run = (h0: number, h1: number) => {
    const t = new Tracker(SETTINGS);
    const a = t.step(frame(0), [face(100, 100, 1, { h: h0 })]).links[0]!;
    return t.step(frame(1), [face(102, 102, 1, { h: h1, jitter: 0.01 })]).links[0]!.track.key === a.track.key;
  };
  assert.equal(run(40, 46), true, '1.15 times: the same face');
  assert.equal(run(40, 52), false, '1.3 times: another head');
  assert.equal(run(52, 40), false, '1/1.3 times: another head');
  assert.equal(run(80, 100), true, 'a large face: its descriptor decides, MAX_SCALE bounds the size');
});

test('crowds: a poor face continues a track as a sighting only if the track was seen in one of the camera\'s last three frames', () => {
  const run = (missed: number) => {
    const t = new Tracker(SETTINGS);
    const a = t.step(frame(0), [face(100, 100, 1)]).links[0]!;
    for (let i = 1; i <= missed; i++) t.step(frame(i), []);
    const l = t.step(frame(missed + 1), [face(102, 100, 3, { yaw: 0.5 })]).links[0]!;
    return l.track.key === a.track.key;
  };
  assert.equal(run(0), true);
  assert.equal(run(2), true);
  assert.equal(run(3), false, 'seen four frames ago: a blurred face there may be anyone');
});

test('crowds: a face in the place of a recent track never continues a track from seconds before, even if its descriptor matches', () => {
  const t = new Tracker(SETTINGS);
  // Person 1 stays at x 100; person 2 was seen once at x 400, then not for four frames (2 s).
  const [, b] = t.step(frame(0), [face(100, 100, 1), face(400, 100, 2)]).links;
  for (let i = 1; i <= 4; i++) t.step(frame(i), [face(100, 100, 1)]);
  // A face with person 2's descriptor where person 1 was a frame ago, and person 1 not seen.
  const l = t.step(frame(5), [face(102, 100, 2)]).links[0]!;
  assert.notEqual(l.track.key, b!.track.key, 'no link across 2 s and 300 px over the track in whose place it sits');
  assert.equal(l.isNew, true);
  assert.equal(l.sighting, true, 'contested: a sighting of a track of its own');
  // Not anchored anywhere (person 1 did not come back there for a while): the descriptor link stands.
  const u = new Tracker(SETTINGS);
  const [, b2] = u.step(frame(0), [face(100, 100, 1), face(400, 100, 2)]).links;
  for (let i = 1; i <= 4; i++) u.step(frame(i), []);
  assert.equal(u.step(frame(5), [face(300, 100, 2)]).links[0]!.track.key, b2!.track.key);
});
