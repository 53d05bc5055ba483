import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { matchWatchList } from '../../src/alerts/match.js';
import { alertMessage, nextAttemptAt, signBody } from '../../src/alerts/message.js';

const v = (...xs: number[]) => Float32Array.from([...xs, ...new Array(128 - xs.length).fill(0)]);

test('matchWatchList: the smallest distance per entry, under the threshold only, nearest first', () => {
  const list = [
    { entryId: 1, name: 'alice', descriptor: v(1, 0) },
    { entryId: 1, name: 'alice', descriptor: v(0.3, 0) },
    { entryId: 2, name: 'bob', descriptor: v(0, 0.2) },
    { entryId: 3, name: 'carol', descriptor: v(0, 5) },
  ];
  const m = matchWatchList(v(0, 0), list, 0.5);
  assert.deepEqual(m.map((x) => [x.name, Math.round(x.distance * 100) / 100]), [['bob', 0.2], ['alice', 0.3]]);
  assert.deepEqual(matchWatchList(v(0, 0), list, 0.2), []);
  assert.deepEqual(matchWatchList(v(0, 0), [], 1), []);
});

test('nextAttemptAt: doubling from the initial delay up to the cap; null once the retries are used', () => {
  const p = { initialMs: 100, maxMs: 350, retries: 3 as const };
  assert.deepEqual([1, 2, 3].map((a) => nextAttemptAt(a, 1000, p)), [1100, 1200, 1350]);
  assert.equal(nextAttemptAt(4, 1000, p), null);
  assert.equal(nextAttemptAt(0 + 1, 0, { ...p, retries: 0 }), null);
  assert.equal(nextAttemptAt(50, 0, { ...p, retries: 'unlimited' }), 350);
});

test('alertMessage and signBody: the receivers\' contract', () => {
  const m = alertMessage({ id: 4, entryName: 'alice', personId: null, cameraId: 'lobby', trackId: 2, faceId: 8, ts: 0, distance: 0.123456, thumbnail: Buffer.from('jpg') });
  assert.deepEqual(m, { alert: 4, name: 'alice', person: null, camera: 'lobby', track: 2, face: 8, time: '1970-01-01T00:00:00.000Z', distance: 0.1235, image: 'anBn', imageType: 'image/jpeg' });
  assert.equal(signBody('{"a":1}', 'k'), `sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`);
});
