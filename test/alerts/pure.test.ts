import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { matchWatchList } from '../../src/alerts/match.js';
import { alertMessage, nextAttemptAt, signBody, signatureHeaders, verifySignature, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_S, TIMESTAMP_HEADER } from '../../src/alerts/message.js';

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
  assert.equal(signBody('{"a":1}', 'k', 1_700_000_000), `sha256=${createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex')}`);
});

test('issue 21: the signature covers timestamp and body; a captured request stops verifying after the tolerance', () => {
  const body = '{"alert":1,"image":"/9j/4AAQ"}';
  const sent = Date.parse('2026-11-20T14:00:00Z');
  const h = signatureHeaders(body, 's3cret', sent);
  assert.equal(h[TIMESTAMP_HEADER], String(sent / 1000));
  assert.equal(h[SIGNATURE_HEADER], `sha256=${createHmac('sha256', 's3cret').update(`${sent / 1000}.${body}`).digest('hex')}`);
  const check = (over: { body?: string; t?: string; sig?: string; at?: number }) =>
    verifySignature(over.body ?? body, 's3cret', over.t ?? h[TIMESTAMP_HEADER], over.sig ?? h[SIGNATURE_HEADER], over.at ?? sent + 2000);
  assert.equal(check({}), true);
  assert.equal(check({ at: sent + (SIGNATURE_TOLERANCE_S + 1) * 1000 }), false, 'replayed after the tolerance');
  assert.equal(check({ t: String(sent / 1000 + 60) }), false, 'a timestamp moved forward breaks the signature');
  assert.equal(check({ body: body.replace('1', '2') }), false);
  assert.equal(check({ sig: h[SIGNATURE_HEADER]!.slice(0, -1) }), false);
});
