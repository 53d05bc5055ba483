/**
 * End to end, what works without the pipeline's track updates: the real daemon with alert
 * delivery configured. A dead webhook and broker at start are warnings, not failures; alerts an
 * earlier run left pending are delivered by the next one to a real HTTP receiver and a real
 * mosquitto broker, and logged. (Raising alerts from the clips: test/e2e/alerts-tracks.test.ts.)
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { killLeftovers, makeConfig, query, SAMPLES, startDaemon, waitFor } from './harness.js';
import { freePort, startBroker } from '../helpers/mosquitto.js';
import { Receiver } from '../helpers/webhook-receiver.js';
import { openStore } from '../../src/store/index.js';

after(killLeftovers);
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const male = { id: 'desk-male', url: join(SAMPLES, 'head-pose-face-detection-male.mp4') };
const alertsYaml = (webhook: string, mqtt: string) => `alerts:\n  retryInitial: 200ms\n  retryMax: 1s\n  webhook:\n    url: ${webhook}\n    timeout: 2s\n  mqtt:\n    url: ${mqtt}\n    topic: faceidx/test\n`;

test('an unreachable webhook and broker at start: warnings, and the daemon runs its feeds', { timeout: 180_000 }, async () => {
  const { file, storage } = makeConfig([male], alertsYaml(`http://127.0.0.1:${await freePort()}/hook`, `mqtt://127.0.0.1:${await freePort()}`));
  const d = startDaemon(file, ['--until-done']);
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  assert.match(d.output(), /alert webhook unreachable/);
  assert.match(d.output(), /MQTT broker unreachable/);
  const [faces] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces');
  assert.ok(faces!.n > 0, 'faces were stored');
});

test('alerts left pending by an earlier run are delivered when the daemon starts', { timeout: 180_000 }, async () => {
  const receiver = new Receiver(await freePort());
  await receiver.start();
  cleanups.push(() => receiver.stop());
  const broker = await startBroker();
  cleanups.push(() => broker.stop());
  const sub = await connectAsync(broker.url);
  cleanups.push(() => sub.endAsync(true));
  const messages: string[] = [];
  sub.on('message', (_t, p) => messages.push(p.toString()));
  await sub.subscribeAsync('faceidx/test', { qos: 1 });

  const { file, storage } = makeConfig([], alertsYaml(receiver.url, broker.url));
  const store = await openStore(storage);
  const entry = (await store.watch.add('wanted', [{ descriptor: new Float32Array(128).fill(0.05), source: 'wanted.jpg', box: { x: 0, y: 0, width: 80, height: 80 } }]))!;
  const id = await store.alerts.insert(
    { entryId: entry, entryName: 'wanted', cameraId: 'gate', trackId: 12, faceId: null, personId: null, ts: Date.parse('2026-11-20T08:00:00Z'), distance: 0.42, thumbnail: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) },
    ['webhook', 'mqtt', 'log'],
  );
  await store.close();

  const d = startDaemon(file);
  await waitFor('the webhook delivery', () => receiver.requests.length >= 1 || undefined, 120_000);
  await waitFor('the MQTT delivery', () => messages.length >= 1 || undefined, 30_000);
  await waitFor('the deliveries recorded as sent', async () => {
    const rows = await query<{ state: string }>(storage, `SELECT state FROM alert_deliveries WHERE alert_id = ${id}`);
    return rows.length === 3 && rows.every((r) => r.state === 'sent') ? true : undefined;
  }, 30_000);
  d.child.kill('SIGTERM');
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  for (const body of [receiver.requests[0]!.body, messages[0]!]) {
    const m = JSON.parse(body) as { name: string; camera: string; track: number; time: string; image: string };
    assert.deepEqual([m.name, m.camera, m.track, m.time, m.image], ['wanted', 'gate', 12, '2026-11-20T08:00:00.000Z', '/9j/2Q==']);
  }
  assert.equal(receiver.requests.length, 1);
  assert.match(d.output(), /ALERT: wanted seen on camera gate/);
});
