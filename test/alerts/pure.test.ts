import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { matchWatchList } from '../../src/alerts/match.js';
import { alertMessage, nextAttemptAt, signBody, signatureHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/alerts/message.js';

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

test('issue 21: the signature covers timestamp and body, so a receiver\'s time check binds it', () => {
  const body = '{"alert":1,"image":"/9j/4AAQ"}';
  const sent = Date.parse('2026-11-20T14:00:00Z');
  const h = signatureHeaders(body, 's3cret', sent);
  assert.equal(h[TIMESTAMP_HEADER], String(sent / 1000));
  assert.equal(h[SIGNATURE_HEADER], `sha256=${createHmac('sha256', 's3cret').update(`${sent / 1000}.${body}`).digest('hex')}`);
  assert.notEqual(signatureHeaders(body, 's3cret', sent + 1000)[SIGNATURE_HEADER], h[SIGNATURE_HEADER], 'another second, another signature');
  assert.notEqual(h[SIGNATURE_HEADER], `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`, 'not the body alone');
});

test('the README\'s receiver example accepts a signed request and refuses a replayed or altered one', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const code = /<!-- receiver-example -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, 'README has the receiver example');
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-receiver-'));
  try {
    writeFileSync(join(dir, 'receiver.mjs'), code);
    const { verifyFaceidx } = (await import(pathToFileURL(join(dir, 'receiver.mjs')).href)) as { verifyFaceidx: (b: string, h: Record<string, string>, s: string) => boolean };
    const body = '{"alert":7}';
    const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(verifyFaceidx(body, lower(signatureHeaders(body, 'k3y')), 'k3y'), true);
    assert.equal(verifyFaceidx(body, lower(signatureHeaders(body, 'k3y', Date.now() - 400_000)), 'k3y'), false, 'replayed');
    assert.equal(verifyFaceidx('{"alert":8}', lower(signatureHeaders(body, 'k3y')), 'k3y'), false, 'altered');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
