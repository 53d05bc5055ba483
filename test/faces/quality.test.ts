import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isClusterable, qualityScore } from '../../src/faces/quality.js';

const cfg = { minFaceHeight: 40, minSharpness: 0, minScore: 0.5 };
const good = { height: 64, eyeDistance: 20, sharpness: 50, score: 0.9 };

test('the gate keeps big, confident faces and drops small ones', () => {
  assert.equal(isClusterable(good, cfg), true);
  assert.equal(isClusterable({ ...good, height: 39.9 }, cfg), false);
  assert.equal(isClusterable({ ...good, height: 40 }, cfg), true);
  assert.equal(isClusterable({ ...good, score: 0.4 }, cfg), false);
});

test('sharpness and eye-distance floors apply only when set; NaN never passes', () => {
  assert.equal(isClusterable({ ...good, sharpness: 5 }, cfg), true);
  assert.equal(isClusterable({ ...good, sharpness: 5 }, { ...cfg, minSharpness: 10 }), false);
  assert.equal(isClusterable({ ...good, eyeDistance: 8 }, { ...cfg, minEyeDistance: 10 }), false);
  assert.equal(isClusterable({ ...good, sharpness: Number.NaN }, cfg), false);
});

test('quality score is the height, scaled down for blur under the floor', () => {
  assert.equal(qualityScore(good, cfg), 64);
  assert.equal(qualityScore({ ...good, sharpness: 5 }, { ...cfg, minSharpness: 10 }), 32);
});

test('the head-turn limit applies only when set, and a face without a measure passes it', () => {
  assert.equal(isClusterable({ ...good, yaw: 0.9 }, cfg), true, 'maxYaw unset: off');
  assert.equal(isClusterable({ ...good, yaw: 0.9 }, { ...cfg, maxYaw: 0 }), true, '0: off');
  assert.equal(isClusterable({ ...good, yaw: 0.6 }, { ...cfg, maxYaw: 0.5 }), false);
  assert.equal(isClusterable({ ...good, yaw: 0.3 }, { ...cfg, maxYaw: 0.5 }), true);
  assert.equal(isClusterable({ ...good, yaw: Number.POSITIVE_INFINITY }, { ...cfg, maxYaw: 0.5 }), false, 'eyes on one point');
  assert.equal(isClusterable(good, { ...cfg, maxYaw: 0.5 }), true, 'no measure (an older cache): not judged');
});

test('the eye-ratio floor: eyes closer than minEyeRatio x the box height (the back of a head, hair) are not clustered', () => {
  assert.equal(isClusterable({ ...good, eyeDistance: 4 }, cfg), true, 'unset: off');
  assert.equal(isClusterable({ ...good, height: 64, eyeDistance: 4 }, { ...cfg, minEyeRatio: 0.12 }), false);
  assert.equal(isClusterable({ ...good, height: 100, eyeDistance: 12 }, { ...cfg, minEyeRatio: 0.12 }), true, 'at the floor');
  assert.equal(isClusterable({ ...good, height: 100, eyeDistance: 11.9 }, { ...cfg, minEyeRatio: 0.12 }), false);
  assert.equal(isClusterable({ ...good, eyeDistance: 4 }, { ...cfg, minEyeRatio: 0 }), true, '0: off');
});
