import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { installSignals, EXIT_FORCED, EXIT_DEADLINE } from '../../src/daemon/lifecycle.js';
import { silentLogger } from '../../src/log/logger.js';

function harness(deadlineMs = 10_000) {
  const target = new EventEmitter();
  const calls = { stop: [] as string[], reload: 0, exit: [] as number[] };
  const handle = installSignals({
    target,
    deadlineMs,
    log: silentLogger,
    onStop: (s) => calls.stop.push(s),
    onReload: () => calls.reload++,
    exit: (c) => calls.exit.push(c),
  });
  return { target, calls, handle };
}

test('the first SIGTERM starts a graceful stop once; a second signal forces the exit', () => {
  const { target, calls, handle } = harness();
  target.emit('SIGTERM', 'SIGTERM');
  assert.deepEqual(calls.stop, ['SIGTERM']);
  assert.deepEqual(calls.exit, []);
  target.emit('SIGINT', 'SIGINT');
  assert.deepEqual(calls.stop, ['SIGTERM']);
  assert.deepEqual(calls.exit, [EXIT_FORCED]);
  handle.dispose();
});

test('SIGHUP reloads, but not once stopping', () => {
  const { target, calls, handle } = harness();
  target.emit('SIGHUP');
  assert.equal(calls.reload, 1);
  target.emit('SIGTERM', 'SIGTERM');
  target.emit('SIGHUP');
  assert.equal(calls.reload, 1);
  handle.dispose();
});

test('the deadline exits when the graceful stop takes too long', async () => {
  const { target, calls, handle } = harness(30);
  target.emit('SIGTERM', 'SIGTERM');
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(calls.exit, [EXIT_DEADLINE]);
  handle.dispose();
});

test('dispose cancels the deadline', async () => {
  const { target, calls, handle } = harness(30);
  target.emit('SIGTERM', 'SIGTERM');
  handle.dispose();
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(calls.exit, []);
});

test('when the deadline passes, the log says what the stop still waits for', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = { ...silentLogger, info: () => undefined, warn: () => undefined, error: (o: Record<string, unknown>) => lines.push(o) } as unknown as typeof silentLogger;
  const target = new EventEmitter();
  const exits: number[] = [];
  const handle = installSignals({ target, deadlineMs: 30, log, onStop: () => undefined, onReload: () => undefined, exit: (c) => exits.push(c), pending: () => 'stopping the feeds; cam1: ffmpeg' });
  target.emit('SIGTERM', 'SIGTERM');
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(exits, [EXIT_DEADLINE]);
  assert.equal(lines[0]?.waitingFor, 'stopping the feeds; cam1: ffmpeg');
  handle.dispose();
});
