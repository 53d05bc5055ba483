/**
 * A real RTSP server on loopback for the tests: Debian's rtsp-server-perl (a README
 * prerequisite for the tests), fed by ffmpeg pushing a sample clip over RTSP. Clients read
 * `rtsp://127.0.0.1:<client>/<path>`; ffmpeg publishes to the source port. When the server is
 * not installed, startRtspServer fails the test with what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { requireCommand } from './prerequisites.js';

export interface RtspPorts {
  /** Where clients (faceidx) connect. */
  client: number;
  /** Where ffmpeg publishes. */
  source: number;
  /** First UDP port for RTP (even). */
  rtp: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Free loopback ports for one server (kept across a restart of it). */
export async function rtspPorts(): Promise<RtspPorts> {
  return { client: await freePort(), source: await freePort(), rtp: 20_000 + 2 * Math.floor(Math.random() * 10_000) };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** Starts rtsp-server-perl on loopback and resolves once both of its ports accept connections. */
export async function startRtspServer(ports: RtspPorts, timeoutMs = 15_000): Promise<ChildProcess> {
  const bin = requireCommand('rtsp-server-perl', 'rtsp-server-perl', 'the RTSP tests serve a sample clip through a real RTSP server on loopback');
  const args = ['--clientport', String(ports.client), '--serverport', String(ports.source), '--client_listen_address', '127.0.0.1', '--source_listen_address', '127.0.0.1', '--rtp_start_port', String(ports.rtp)];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  let failure: Error | undefined;
  child.once('error', (err) => (failure = err));
  child.once('exit', (code, signal) => (failure ??= new Error(`rtsp-server-perl exited (${signal ?? code}) before listening: ${stderr.trim() || 'no output'}`)));
  const deadline = Date.now() + timeoutMs;
  while (!((await listening(ports.client)) && (await listening(ports.source)))) {
    if (failure) throw failure;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`rtsp-server-perl did not listen on 127.0.0.1:${ports.client} and :${ports.source} within ${timeoutMs} ms: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/** ffmpeg publishing `clip` in a loop, in real time, as rtsp://127.0.0.1:<client>/<path>. */
export function publishClip(ports: RtspPorts, clip: string, path: string): ChildProcess {
  const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'rtsp', `rtsp://127.0.0.1:${ports.source}/${path}`], { stdio: 'ignore' });
  child.once('error', () => undefined); // ffmpeg is a README prerequisite; the test's own checks report a missing stream
  return child;
}

/** SIGTERM, then SIGKILL after 2 s; resolves once the process is gone. */
export async function stopChild(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(timer);
}
