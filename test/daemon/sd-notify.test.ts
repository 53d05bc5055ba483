import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotifier, statusLine, watchdogInterval } from '../../src/daemon/sd-notify.js';
import { listen, payloads, type Listener } from '../helpers/notify-listener.js';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function fakeLog() {
  const warns: string[] = [];
  return { warns, log: { warn: (_o: unknown, msg?: string) => void warns.push(String(msg)), debug: () => undefined } };
}

test('messages reach a real NOTIFY_SOCKET (path socket) in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-notify-'));
  const path = join(dir, 'notify.sock');
  const l = await listen(path);
  try {
    const { log, warns } = fakeLog();
    const n = createNotifier(log, { env: { ...process.env, NOTIFY_SOCKET: path } });
    n.ready();
    n.status('watching 2 cameras\nsecond line');
    n.watchdog();
    n.stopping();
    await n.flush();
    await until(() => payloads(l).length >= 4);
    assert.deepEqual(payloads(l), ['READY=1', 'STATUS=watching 2 cameras second line', 'WATCHDOG=1', 'STOPPING=1']);
    assert.deepEqual(warns, []);
  } finally {
    l.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an abstract NOTIFY_SOCKET (@name) works too', async () => {
  const address = `@faceidx-test-${process.pid}-${Date.now()}`;
  const l = await listen(address);
  try {
    const n = createNotifier(fakeLog().log, { env: { ...process.env, NOTIFY_SOCKET: address } });
    n.ready();
    await n.flush();
    await until(() => payloads(l).length >= 1);
    assert.deepEqual(payloads(l), ['READY=1']);
  } finally {
    l.stop();
  }
});

test('without NOTIFY_SOCKET every call is a no-op (no helper is run)', async () => {
  const { log, warns } = fakeLog();
  const env = { ...process.env };
  delete env['NOTIFY_SOCKET'];
  const n = createNotifier(log, { env, command: '/nonexistent/systemd-notify', });
  n.ready();
  n.watchdog();
  n.status('x');
  n.stopping();
  await n.flush();
  assert.deepEqual(warns, []);
  assert.equal(n.watchdogIntervalMs(), undefined);
});

test('a missing helper warns once and turns notifications off', async () => {
  const { log, warns } = fakeLog();
  const n = createNotifier(log, { env: { NOTIFY_SOCKET: '/tmp/none.sock' }, command: '/nonexistent/systemd-notify' });
  n.ready();
  n.watchdog();
  await n.flush();
  n.watchdog();
  await n.flush();
  assert.equal(warns.length, 1);
  assert.match(warns[0]!, /not found/);
});

test('watchdog interval is half of WATCHDOG_USEC, only for our pid', () => {
  assert.equal(watchdogInterval({ WATCHDOG_USEC: '60000000' }), 30_000);
  assert.equal(watchdogInterval({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: String(process.pid) }), 30_000);
  assert.equal(watchdogInterval({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '1' }, 4242), undefined);
  assert.equal(watchdogInterval({}), undefined);
  assert.equal(watchdogInterval({ WATCHDOG_USEC: 'abc' }), undefined);
  const n = createNotifier(fakeLog().log, { env: { NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '20000000' } });
  assert.equal(n.watchdogIntervalMs(), 10_000);
});

test('status text is one line of at most 512 characters', () => {
  assert.equal(statusLine('a\r\nb'), 'STATUS=a b');
  assert.equal(statusLine('x'.repeat(600)).length, 'STATUS='.length + 512);
});
