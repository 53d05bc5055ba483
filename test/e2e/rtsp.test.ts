/**
 * End to end with a live camera: the real daemon reads an RTSP stream served on loopback by
 * Debian's rtsp-server-perl (fed by ffmpeg with a sample clip) next to a file camera, stores
 * and clusters its faces, and never shows the stream's password.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { cli, killLeftovers, makeConfig, query, readStatusJson, SAMPLES, startDaemon, waitFor } from './harness.js';

const children: ChildProcess[] = [];
after(() => {
  killLeftovers();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

test('an RTSP camera and a file camera: faces from both are stored and clustered; the password never shows', { timeout: 240_000 }, async () => {
  const [clientPort, sourcePort] = [await freePort(), await freePort()];
  const rtpPort = 20_000 + 2 * Math.floor(Math.random() * 10_000);
  children.push(
    spawn('rtsp-server-perl', ['--clientport', String(clientPort), '--serverport', String(sourcePort), '--client_listen_address', '127.0.0.1', '--source_listen_address', '127.0.0.1', '--rtp_start_port', String(rtpPort)], { stdio: 'ignore' }),
  );
  await waitFor('the RTSP server', async () => ((await listening(clientPort)) && (await listening(sourcePort)) ? true : undefined), 15_000);
  children.push(
    spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', join(SAMPLES, 'head-pose-face-detection-female.mp4'), '-c', 'copy', '-f', 'rtsp', `rtsp://127.0.0.1:${sourcePort}/door`], { stdio: 'ignore' }),
  );
  const { file, storage } = makeConfig(
    [
      { id: 'door', url: `rtsp://viewer:\${DOOR_PASS}@127.0.0.1:${clientPort}/door`, fps: 2, rtspTransport: 'udp' },
      { id: 'desk', url: join(SAMPLES, 'head-pose-face-detection-female-and-male.mp4') },
    ],
  );
  process.env.DOOR_PASS = 'hunter2-secret';
  const d = startDaemon(file);
  delete process.env.DOOR_PASS;
  await waitFor('faces from the RTSP camera', async () => {
    const rows = await query<{ n: number }>(storage, "SELECT count(*) AS n FROM faces WHERE camera_id = 'door'").catch(() => [{ n: 0 }]);
    return rows[0]!.n >= 6 ? true : undefined;
  }, 120_000);
  const status = readStatusJson(storage)!;
  const door = status.feeds.find((f) => f.cameraId === 'door')!;
  assert.equal(door.state, 'running');
  await waitFor('the file camera done', () => (readStatusJson(storage)?.feeds.find((f) => f.cameraId === 'desk')?.state === 'done' ? true : undefined), 120_000);
  d.child.kill('SIGTERM');
  assert.equal((await d.exited).code, 0, d.output());
  const listed = cli(['people', '--config', file, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const people = JSON.parse(listed.stdout) as Array<{ cameras: string[] }>;
  assert.ok(people.some((p) => p.cameras.includes('door') && p.cameras.includes('desk')), JSON.stringify(people));
  const seen = [d.output(), readFileSync(join(storage, 'status.json'), 'utf8'), cli(['status', '--config', file, '--json']).stdout, cli(['export', '--format', 'json', '--config', file]).stdout];
  for (const text of seen) assert.ok(!text.includes('hunter2-secret'), 'the password leaked');
  assert.match(readFileSync(join(storage, 'status.json'), 'utf8'), /rtsp:\/\/viewer:\*\*\*@127\.0\.0\.1/);
});
