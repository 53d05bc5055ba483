import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addBestFace, agreementCredit, aggregateDescriptor, faceQuality, isIdentifiable, poseCredit, sizeCredit, trackAggregate, type RankedFace } from '../../src/tracks/index.js';

const SHAPE = { goodHeight: 80, sharpnessHalf: 50, maxDistance: 0.4 };
const good = { height: 80, sharpness: 200, score: 0.95, yaw: 0 };

test('face quality falls with size, blur, detector score, head turn and disagreement with the track', () => {
  const q = faceQuality(good, undefined, SHAPE);
  assert.ok(q > 0.7 && q <= 1, String(q));
  assert.ok(faceQuality({ ...good, height: 30 }, undefined, SHAPE) < q);
  assert.ok(faceQuality({ ...good, sharpness: 5 }, undefined, SHAPE) < q);
  assert.ok(faceQuality({ ...good, score: 0.5 }, undefined, SHAPE) < q);
  assert.ok(faceQuality({ ...good, yaw: 0.5 }, undefined, SHAPE) < q);
  assert.ok(faceQuality(good, 0.35, SHAPE) < q);
  assert.equal(faceQuality(good, 0.1, SHAPE), q, 'agreeing faces are not penalised');
  assert.equal(faceQuality({ ...good, height: 10 }, undefined, SHAPE), 0);
  assert.equal(faceQuality({ ...good, sharpness: Number.NaN }, undefined, SHAPE), 0);
  assert.equal(sizeCredit(200, 80), 1);
  assert.equal(poseCredit(Number.POSITIVE_INFINITY), 0, 'degenerate landmarks');
  assert.equal(agreementCredit(0.4, 0.4), 0);
});

const ranked = (quality: number, clusterable: boolean, d: number[]): RankedFace<number> => ({ ref: quality, quality, clusterable, descriptor: Float32Array.from(d) });

test('best faces: gated faces first, then by quality, at most `keep`; the newcomer knows when it is the top', () => {
  let best: RankedFace<number>[] = [];
  const steps = [ranked(0.9, false, [0]), ranked(0.2, true, [1]), ranked(0.5, true, [2]), ranked(0.1, true, [3])];
  const tops = steps.map((s) => {
    const r = addBestFace(best, s, 2);
    best = r.best;
    return r.isTop;
  });
  assert.deepEqual(tops, [true, true, true, false]);
  assert.deepEqual(best.map((b) => b.quality), [0.5, 0.2]);
});

test('the aggregate is the quality-weighted mean of the gated best faces (all of them when none is gated)', () => {
  assert.deepEqual(Array.from(aggregateDescriptor([ranked(3, true, [1, 0]), ranked(1, true, [0, 1])])!), [0.75, 0.25]);
  assert.deepEqual(Array.from(aggregateDescriptor([ranked(0, true, [1, 0]), ranked(0, true, [0, 1])])!), [0.5, 0.5]);
  assert.deepEqual(Array.from(trackAggregate([ranked(1, true, [1, 0]), ranked(9, false, [0, 1])])!), [1, 0]);
  assert.deepEqual(Array.from(trackAggregate([ranked(1, false, [1, 0]), ranked(1, false, [0, 1])])!), [0.5, 0.5]);
  assert.equal(aggregateDescriptor([]), undefined);
  assert.equal(isIdentifiable([{ clusterable: false }]), false);
  assert.equal(isIdentifiable([{ clusterable: false }, { clusterable: true }]), true);
});
