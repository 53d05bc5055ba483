/**
 * A real MQTT broker for tests: Debian's `mosquitto`, on a free loopback port, anonymous, with
 * its own config file. A machine without it fails the test saying what to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Broker {
  port: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function findMosquitto(): string {
  for (const p of ['mosquitto', '/usr/sbin/mosquitto']) {
    const r = spawnSync(p, ['-h'], { encoding: 'utf8' });
    if (!r.error) return p;
  }
  throw new Error('this test needs the mosquitto MQTT broker: install it (Debian/Ubuntu: apt-get install -y mosquitto)');
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts mosquitto on `port` (a free one by default) and waits until it accepts connections. */
export async function startBroker(port?: number): Promise<Broker> {
  const bin = findMosquitto();
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${p} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(p))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mosquitto did not start on 127.0.0.1:${p}: ${err.trim() || `exit ${child.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    port: p,
    url: `mqtt://127.0.0.1:${p}`,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
