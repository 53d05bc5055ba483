/**
 * MQTT delivery: one client per daemon, connected in the background and reconnecting on its own
 * (mqtt.js). An attempt publishes the alert's JSON with QoS 1 and waits for the broker's PUBACK
 * within the timeout. While the client is not connected an attempt fails at once instead of
 * entering mqtt.js's offline queue: the alerts table is the only queue, so nothing is held in
 * memory and nothing is sent twice by two queues. (QoS 1 is at-least-once: a PUBACK lost to a
 * dropped connection can still mean a second copy.)
 */
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../redact.js';

export interface MqttOptions {
  url: string;
  topic: string;
  timeoutMs: number;
  log: Logger;
  /** Reconnect period (ms); mqtt.js's default is 1 s. */
  reconnectMs?: number;
}

export class MqttPublisher {
  private readonly client: MqttClient;
  private everConnected = false;
  private warned = false;

  constructor(private readonly opts: MqttOptions) {
    const where = redactUrl(opts.url);
    this.client = connect(opts.url, {
      clientId: `faceidx-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      connectTimeout: opts.timeoutMs,
      reconnectPeriod: opts.reconnectMs ?? 5000,
      queueQoSZero: false,
    });
    this.client.on('connect', () => {
      opts.log.info({ broker: where, topic: opts.topic }, this.everConnected ? 'MQTT broker reachable again' : 'connected to the MQTT broker');
      this.everConnected = true;
      this.warned = false;
    });
    const warn = (why: string) => {
      if (this.warned) return;
      this.warned = true;
      opts.log.warn(
        { broker: where, err: why },
        'MQTT broker unreachable; alerts wait in the store and are published when it is back (check alerts.mqtt.url)',
      );
    };
    this.client.on('error', (err) => warn(err.message));
    this.client.on('offline', () => warn('offline'));
    // Refused at the first try: mqtt.js emits only 'close'.
    this.client.on('close', () => {
      if (!this.client.connected) warn('connection closed or refused');
    });
  }

  async publish(body: string): Promise<void> {
    if (!this.client.connected) throw new Error(`MQTT broker ${redactUrl(this.opts.url)} is not connected`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PUBACK from the MQTT broker within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    });
    try {
      await Promise.race([this.client.publishAsync(this.opts.topic, body, { qos: 1, retain: false }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}
