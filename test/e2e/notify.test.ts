/**
 * systemd notifications from the real daemon: READY=1 once its feeds run, WATCHDOG=1 while the
 * pipeline answers (WATCHDOG_USEC as systemd sets it), STOPPING=1 on SIGTERM; received by a
 * real unix datagram socket, as systemd would.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, payloads, type Listener } from '../helpers/notify-listener.js';
import { killLeftovers, makeConfig, SAMPLES, startDaemon, waitFor } from './harness.js';

let listener: Listener | undefined;
after(() => {
  killLeftovers();
  listener?.stop();
});

test('READY=1, then WATCHDOG=1 pings, then STOPPING=1 on SIGTERM', { timeout: 120_000 }, async () => {
  const socket = join(mkdtempSync(join(tmpdir(), 'faceidx-notify-')), 'notify.sock');
  listener = await listen(socket);
  const { file } = makeConfig([{ id: 'desk', url: join(SAMPLES, 'head-pose-face-detection-female.mp4'), loop: true }]);
  const d = startDaemon(file, [], { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '1000000' });
  const got = () => payloads(listener!).join('\n');
  await waitFor('READY=1', () => (/READY=1/.test(got()) ? true : undefined), 90_000);
  await waitFor('two watchdog pings', () => ((got().match(/WATCHDOG=1/g) ?? []).length >= 2 ? true : undefined), 20_000);
  d.child.kill('SIGTERM');
  assert.equal((await d.exited).code, 0, d.output());
  await waitFor('STOPPING=1', () => (/STOPPING=1/.test(got()) ? true : undefined), 10_000);
  const order = payloads(listener).map((m) => m.split('|').find((x) => /^(READY|WATCHDOG|STOPPING)=/.test(x)) ?? m);
  assert.ok(order.indexOf('READY=1') < order.indexOf('STOPPING=1'), order.join(', '));
  assert.ok(order.lastIndexOf('WATCHDOG=1') > order.indexOf('READY=1'));
});
