import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseError, parseRequest, parseResult, toRequestError } from '../../src/runtime/protocol.js';
import { exitCodeFor, FaceidxError, isFaceidxError } from '../../src/errors.js';
import { startRequestWorker } from '../../src/daemon/requests.js';
import { askDaemon } from '../../src/cli/daemon-request.js';
import { openPeople } from '../../src/people/index.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import { tempStore } from '../cluster/helpers.js';

const isRequestError = (re: RegExp) => (e: unknown) => isFaceidxError(e, 'FACEIDX_REQUEST') && re.test((e as Error).message);

test('requests are read back checked: unknown kinds and malformed arguments are FACEIDX_REQUEST (exit 76)', () => {
  assert.deepEqual(parseRequest('merge', { a: 1, b: 2 }), { kind: 'merge', args: { a: 1, b: 2 } });
  assert.deepEqual(parseRequest('recluster', {}), { kind: 'recluster', args: {} });
  assert.throws(() => parseRequest('explode', {}), isRequestError(/unknown request kind "explode" \(known: merge, not, recluster, forget, purge, label, unmerge\)/));
  assert.throws(() => parseRequest('toString', {}), isRequestError(/unknown request kind/), 'no prototype keys');
  assert.throws(() => parseRequest(7, {}), isRequestError(/unknown request kind "7"/));
  assert.throws(() => parseRequest('merge', { a: 1 }), isRequestError(/malformed merge request: b:/));
  assert.throws(() => parseRequest('forget', { person: -3 }), isRequestError(/malformed forget request: person:/));
  assert.throws(() => parseRequest('not', 'face=1'), isRequestError(/malformed not request/));
  assert.throws(() => parseRequest('purge', { before: Number.NaN }), isRequestError(/malformed purge request/));
  assert.equal(exitCodeFor(new FaceidxError('FACEIDX_REQUEST', 'x')), 76);
});

test('results and errors written by the daemon are checked too; an error without a code travels as FACEIDX_INTERNAL (exit 70)', () => {
  assert.deepEqual(parseResult('forget', { faceIds: [3, 4] }), { faceIds: [3, 4] });
  assert.throws(() => parseResult('merge', { kept: 'one' }), isRequestError(/answer to a merge request is malformed/));
  assert.deepEqual(parseError({ code: 'FACEIDX_NOT_FOUND', message: 'no person 9' }), { code: 'FACEIDX_NOT_FOUND', message: 'no person 9' });
  assert.equal(parseError({ code: 'FACEIDX_MADE_UP', message: 'm' }).code, 'FACEIDX_INTERNAL');
  assert.equal(parseError('garbage').code, 'FACEIDX_INTERNAL');
  assert.deepEqual(toRequestError(new TypeError('boom')), { code: 'FACEIDX_INTERNAL', message: 'boom' });
  assert.equal(exitCodeFor(new FaceidxError('FACEIDX_INTERNAL', 'x')), 70);
});

test('the daemon answers a malformed row with FACEIDX_REQUEST and goes on with the next request', async () => {
  const { dir, store, cleanup } = await tempStore();
  const config = configSchema.parse({ storage: { dir } });
  const people = await openPeople({ config, store, log: silentLogger });
  const worker = startRequestWorker({ store, people, serialised: (fn) => fn(), log: silentLogger });
  try {
    const bad = await store.requests.enqueue('merge', { a: 1 });
    const unknown = await store.requests.enqueue('teleport', {});
    // A well-formed request after them is still applied (here: an unknown person, so a coded error).
    await assert.rejects(askDaemon(store, { kind: 'merge', args: { a: 1, b: 2 } }, { timeoutMs: 10_000, pollMs: 50 }), (e: unknown) => isFaceidxError(e, 'FACEIDX_NOT_FOUND'));
    for (const id of [bad, unknown]) {
      const row = await store.requests.get(id);
      assert.notEqual(row?.doneAt, null);
      assert.equal(parseError(row!.error).code, 'FACEIDX_REQUEST');
    }
    const r = await askDaemon(store, { kind: 'recluster', args: {} }, { timeoutMs: 10_000, pollMs: 50 });
    assert.equal(r.people, 0);
  } finally {
    await worker.stop();
    await cleanup();
  }
});
