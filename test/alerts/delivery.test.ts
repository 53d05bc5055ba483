/**
 * The alert service against real receivers on loopback: an HTTP server (webhook) and Debian's
 * mosquitto (MQTT), with a real SQLite store as the outbox.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createHmac } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { openStore, type Store } from '../../src/store/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { AlertService } from '../../src/alerts/service.js';
import { startBroker, freePort, type Broker } from '../helpers/mosquitto.js';
import { Receiver } from '../helpers/webhook-receiver.js';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function unit(seed: number): Float32Array {
  const v = new Float32Array(128).map((_, i) => Math.sin(seed * 97.13 + i * 1.7) + Math.cos(seed * 3.1 + i * i * 0.01));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** `base` moved by `d` (Euclidean) in a fixed direction orthogonal-ish to it. */
function near(base: Float32Array, d: number, seed = 99): Float32Array {
  const dir = unit(seed);
  const dot = dir.reduce((a, x, i) => a + x * base[i]!, 0);
  const o = dir.map((x, i) => x - dot * base[i]!);
  const n = Math.hypot(...o);
  return base.map((x, i) => x + (d * o[i]!) / n);
}

function capture(): { log: ReturnType<typeof createLogger>; lines: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { log: createLogger({ level: 'info', pretty: false, destination: stream }), lines: () => text };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alertsConfig(extra: Record<string, unknown>): Config['alerts'] {
  return configSchema.parse({ storage: { dir: '/tmp' }, alerts: { retryInitial: '100ms', retryMax: '400ms', ...extra } }).alerts;
}

async function subscribe(url: string, topic: string): Promise<{ client: MqttClient; messages: string[] }> {
  const client = await connectAsync(url, { reconnectPeriod: 200 });
  const messages: string[] = [];
  client.on('message', (t, payload) => t === topic && messages.push(payload.toString()));
  await client.subscribeAsync(topic, { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  return { client, messages };
}

async function newStore(): Promise<{ store: Store; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'faceidx-alerts-')), 'state');
  const store = await openStore(dir);
  cleanups.push(() => store.close());
  return { store, dir };
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
const ALICE = unit(1);
const BOB = unit(2);

test('a matching track raises one alert, delivered signed to the webhook, over MQTT and as a log line', async () => {
  const broker = await startBroker();
  cleanups.push(() => broker.stop());
  const receiver = new Receiver(await freePort());
  await receiver.start();
  cleanups.push(() => receiver.stop());
  const sub = await subscribe(broker.url, 'site/alerts');
  const { store } = await newStore();
  await store.watch.add('alice', [{ descriptor: ALICE, source: 'alice.jpg', box: { x: 0, y: 0, width: 10, height: 10 } }]);
  await store.watch.add('bob', [{ descriptor: BOB, source: 'bob.jpg', box: { x: 0, y: 0, width: 10, height: 10 } }]);
  const { log, lines } = capture();
  const config = alertsConfig({ threshold: 0.5, webhook: { url: receiver.url, secret: 's3cret', headers: { Authorization: 'Bearer tok-123' } }, mqtt: { url: broker.url, topic: 'site/alerts' } });
  const service = await AlertService.start({ store, config, log });
  cleanups.push(() => service.stop());
  assert.deepEqual(service.channels.sort(), ['log', 'mqtt', 'webhook']);

  const ts = Date.parse('2026-11-20T14:00:05.250Z');
  const first = await service.onTrackUpdate({ cameraId: 'lobby', trackId: 7, faceId: 41, descriptor: near(ALICE, 0.3), ts, thumbnail: JPEG, personId: 3 });
  assert.equal(first.length, 1);
  // The same track again, even closer: no second alert.
  assert.deepEqual(await service.onTrackUpdate({ cameraId: 'lobby', trackId: 7, faceId: 42, descriptor: near(ALICE, 0.1), ts: ts + 500, thumbnail: JPEG }), []);
  // A stranger and a face just outside the threshold: none.
  assert.deepEqual(await service.onTrackUpdate({ cameraId: 'lobby', trackId: 8, faceId: 43, descriptor: unit(5), ts, thumbnail: JPEG }), []);
  assert.deepEqual(await service.onTrackUpdate({ cameraId: 'lobby', trackId: 9, faceId: 44, descriptor: near(ALICE, 0.55), ts, thumbnail: JPEG }), []);
  // Another track (and the same track id on another camera): one alert each.
  assert.equal((await service.onTrackUpdate({ cameraId: 'gate', trackId: 7, faceId: 45, descriptor: near(ALICE, 0.2), ts, thumbnail: JPEG })).length, 1);

  await waitFor('2 webhook requests', () => receiver.requests.length >= 2);
  await waitFor('2 MQTT messages', () => sub.messages.length >= 2);
  await waitFor('every delivery sent', async () => (await store.alerts.list()).every((a) => a.deliveries.every((d) => d.state === 'sent')));
  assert.equal(receiver.requests.length, 2);
  const req = receiver.requests.find((r) => JSON.parse(r.body).camera === 'lobby')!;
  const body = JSON.parse(req.body);
  assert.equal(body.name, 'alice');
  assert.equal(body.person, 3);
  assert.equal(body.track, 7);
  assert.equal(body.face, 41);
  assert.equal(body.time, '2026-11-20T14:00:05.250Z');
  assert.ok(Math.abs(body.distance - 0.3) < 1e-3, `distance ${body.distance}`);
  assert.deepEqual(Buffer.from(body.image, 'base64'), JPEG);
  const t = String(req.headers['x-faceidx-timestamp']);
  assert.ok(Math.abs(Number(t) - Date.now() / 1000) < 60, `timestamp ${t}`);
  const expected = `sha256=${createHmac('sha256', 's3cret').update(`${t}.${req.body}`).digest('hex')}`;
  assert.equal(req.headers['x-faceidx-signature'], expected, 'HMAC of "<timestamp>.<body>"');
  assert.equal(req.headers['authorization'], 'Bearer tok-123', 'alerts.webhook.headers are sent');
  assert.deepEqual(sub.messages.map((m) => JSON.parse(m).camera).sort(), ['gate', 'lobby']);
  const logged = lines().split('\n').filter((l) => l.includes('ALERT: alice'));
  assert.equal(logged.length, 2);
  const alerts = await store.alerts.list();
  assert.equal(alerts.length, 2);
  assert.deepEqual(alerts[0]!.deliveries.map((d) => d.channel), ['log', 'mqtt', 'webhook']);
});

test('receivers down: the alert stays pending, is delivered when they come back, and after a restart', async () => {
  const receiver = new Receiver(await freePort());
  cleanups.push(() => receiver.stop());
  const mqttPort = await freePort();
  const { store } = await newStore();
  await store.watch.add('alice', [{ descriptor: ALICE, source: 'alice.jpg', box: { x: 0, y: 0, width: 10, height: 10 } }]);
  const { log, lines } = capture();
  const config = alertsConfig({ webhook: { url: receiver.url, timeout: '1s' }, mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, topic: 'a', timeout: '1s' } });
  const service = await AlertService.start({ store, config, log, mqttReconnectMs: 200 });
  await waitFor('the unreachable warnings', () => /alert webhook unreachable/.test(lines()) && /MQTT broker unreachable/.test(lines()));

  const [id] = await service.onTrackUpdate({ cameraId: 'lobby', trackId: 1, faceId: 1, descriptor: ALICE, ts: 1000, thumbnail: JPEG });
  assert.ok(id);
  const state = async (channel: string) => (await store.alerts.list()).find((a) => a.id === id)!.deliveries.find((d) => d.channel === channel)!;
  await waitFor('two failed webhook attempts', async () => (await state('webhook')).attempts >= 2);
  const w = await state('webhook');
  assert.equal(w.state, 'pending');
  assert.match(w.lastError ?? '', /ECONNREFUSED/);
  await waitFor('a failed MQTT attempt', async () => (await state('mqtt')).attempts >= 1);
  assert.equal((await state('mqtt')).state, 'pending');

  // Back while the daemon runs: delivered on a retry.
  await receiver.start();
  const broker = await startBroker(mqttPort);
  cleanups.push(() => broker.stop());
  const sub = await subscribe(broker.url, 'a');
  await waitFor('the webhook delivery', () => receiver.requests.length === 1);
  await waitFor('the MQTT delivery', async () => (await state('mqtt')).state === 'sent');
  assert.equal(JSON.parse(receiver.requests[0]!.body).name, 'alice');

  // Down again; an alert raised, then the service stops before delivering it.
  await receiver.stop();
  const [id2] = await service.onTrackUpdate({ cameraId: 'lobby', trackId: 2, faceId: 2, descriptor: ALICE, ts: 2000, thumbnail: JPEG });
  const pending2 = async () => (await store.alerts.list()).find((a) => a.id === id2)!.deliveries.find((d) => d.channel === 'webhook')!;
  await waitFor('a failed attempt of the second alert', async () => (await pending2()).attempts >= 1);
  await service.stop();
  assert.equal((await pending2()).state, 'pending');

  // A restart with the receiver up: the pending alert goes out first thing.
  await receiver.start();
  const restarted = await AlertService.start({ store, config, log, mqttReconnectMs: 200 });
  cleanups.push(() => restarted.stop());
  await waitFor('the second alert after the restart', () => receiver.requests.length === 2);
  assert.equal(JSON.parse(receiver.requests[1]!.body).track, 2);
  await waitFor('its MQTT copy', () => sub.messages.some((m) => JSON.parse(m).track === 2));
  await waitFor('every delivery sent', async () => (await store.alerts.list()).every((a) => a.deliveries.every((d) => d.state === 'sent')));
});

test('a receiver answering an error is retried; with retries 1 the delivery is given up after two attempts', async () => {
  const receiver = new Receiver(await freePort());
  receiver.status = 500;
  await receiver.start();
  cleanups.push(() => receiver.stop());
  const { store } = await newStore();
  await store.watch.add('alice', [{ descriptor: ALICE, source: 'alice.jpg', box: { x: 0, y: 0, width: 10, height: 10 } }]);
  const service = await AlertService.start({ store, config: alertsConfig({ webhook: { url: receiver.url, retries: 1 } }), log: capture().log });
  cleanups.push(() => service.stop());
  const [id] = await service.onTrackUpdate({ cameraId: 'c', trackId: 1, faceId: 1, descriptor: ALICE, ts: 1, thumbnail: JPEG });
  const webhook = async () => (await store.alerts.list()).find((a) => a.id === id)!.deliveries.find((d) => d.channel === 'webhook')!;
  await waitFor('the delivery given up', async () => (await webhook()).state === 'failed');
  assert.equal(receiver.requests.length, 2);
  assert.equal((await webhook()).attempts, 2);
  assert.match((await webhook()).lastError ?? '', /HTTP 500/);
});

test('the watch list is reloaded from the store while the service runs', async () => {
  const { store } = await newStore();
  const service = await AlertService.start({ store, config: alertsConfig({}), log: capture().log, reloadEveryMs: 50 });
  cleanups.push(() => service.stop());
  assert.deepEqual(await service.onTrackUpdate({ cameraId: 'c', trackId: 1, faceId: 1, descriptor: BOB, ts: 1 }), []);
  await store.watch.add('bob', [{ descriptor: BOB, source: 'bob.jpg', box: { x: 0, y: 0, width: 10, height: 10 } }]);
  await waitFor('the entry loaded', () => service.watchEntries === 1);
  assert.equal((await service.onTrackUpdate({ cameraId: 'c', trackId: 1, faceId: 1, descriptor: BOB, ts: 1 })).length, 1);
  assert.equal(await store.watch.remove('bob'), true);
  await waitFor('the entry dropped', () => service.watchEntries === 0);
  assert.deepEqual(await service.onTrackUpdate({ cameraId: 'c', trackId: 2, faceId: 2, descriptor: BOB, ts: 2 }), []);
  // The alert outlives its entry, with the entry's name.
  const [a] = await store.alerts.list();
  assert.equal(a!.entryName, 'bob');
  assert.equal(a!.entryId, null);
});

test('a failing channel backs off as a whole: one attempt, not one per pending alert', async () => {
  const { ChannelWorker } = await import('../../src/alerts/outbox.js');
  const { store } = await newStore();
  const entry = (await store.watch.add('alice', [{ descriptor: ALICE, source: 'a.jpg', box: { x: 0, y: 0, width: 1, height: 1 } }]))!;
  for (const trackId of [1, 2, 3]) {
    await store.alerts.insert({ entryId: entry, entryName: 'alice', cameraId: 'c', trackId, faceId: null, personId: null, ts: trackId, distance: 0.1, thumbnail: null }, ['webhook']);
  }
  let calls = 0;
  const worker = new ChannelWorker({
    channel: 'webhook',
    alerts: store.alerts,
    send: async () => {
      calls++;
      throw new Error('down');
    },
    retry: { initialMs: 60_000, maxMs: 60_000, retries: 'unlimited' },
    log: capture().log,
  });
  worker.start();
  await waitFor('the first attempt', async () => (await store.alerts.list()).some((a) => a.deliveries[0]!.attempts === 1));
  worker.wake(); // a new alert's wake-up does not bypass the backoff either
  await new Promise((r) => setTimeout(r, 300));
  await worker.stop();
  assert.equal(calls, 1);
  assert.deepEqual((await store.alerts.list()).map((a) => a.deliveries[0]!.attempts), [1, 0, 0]);
});
