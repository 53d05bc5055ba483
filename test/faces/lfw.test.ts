import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestThreshold, lfwImagePath, nearestCentre, parsePairs, tenFold } from '../../src/eval/lfw.js';

function pairsText(folds: number, per: number): string {
  const lines = [`${folds} ${per}`];
  for (let f = 0; f < folds; f++) {
    for (let i = 0; i < per; i++) lines.push(`Same_${f}_${i} 1 2`);
    for (let i = 0; i < per; i++) lines.push(`A_${f}_${i} 1 B_${f}_${i} 3`);
  }
  return lines.join('\n');
}

test('parsePairs reads folds of same and different pairs', () => {
  const pairs = parsePairs(pairsText(10, 3));
  assert.equal(pairs.length, 60);
  assert.equal(pairs[0]!.same, true);
  assert.equal(pairs[3]!.same, false);
  assert.equal(pairs[59]!.fold, 9);
  assert.equal(lfwImagePath('/d', pairs[3]!.b), '/d/B_0_0/B_0_0_0003.jpg');
  assert.throws(() => parsePairs('10 3\nX 1'), /expected|declares/);
});

test('tenFold: separable distances give 100%; a missed face is always an error', () => {
  const pairs = parsePairs(pairsText(10, 5));
  const dist = pairs.map((p) => (p.same ? 0.3 : 0.9));
  const r = tenFold(dist, pairs);
  assert.equal(r.accuracy, 1);
  assert.ok(r.threshold > 0.3 && r.threshold < 0.9);
  // one missed "different" pair in fold 0: still an error although "no match" would be right
  const missed = [...dist] as Array<number | null>;
  missed[7] = null;
  const m = tenFold(missed, pairs);
  assert.ok(Math.abs(m.accuracy - (1 - 1 / 10 / 10)) < 1e-12);
});

test('bestThreshold picks the split that maximises training accuracy', () => {
  const dist = [0.1, 0.2, 0.5, 0.45, 0.7, 0.8];
  const same = [true, true, true, false, false, false];
  const t = bestThreshold(dist, same, [0, 1, 2, 3, 4, 5]);
  assert.ok(t > 0.2 && t <= 0.45, `t = ${t}`);
});

test('nearestCentre picks the face nearest the image centre', () => {
  const boxes = [{ x: 0, y: 0, width: 50, height: 50 }, { x: 100, y: 100, width: 60, height: 60 }];
  assert.equal(nearestCentre(boxes, 250, 250), 1);
  assert.equal(nearestCentre([], 250, 250), -1);
});
