/**
 * End to end with a live camera: the real daemon reads an RTSP stream served on loopback by
 * Debian's rtsp-server-perl (fed by ffmpeg with a sample clip) next to a file camera, stores
 * and clusters its faces, and never shows the stream's password.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { publishClip, rtspPorts, startRtspServer } from '../helpers/rtsp-server.js';
import { cli, killLeftovers, makeConfig, query, readStatusJson, SAMPLES, startDaemon, waitFor } from './harness.js';

const children: ChildProcess[] = [];
after(() => {
  killLeftovers();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

test('an RTSP camera and a file camera: faces from both are stored and clustered; the password never shows', { timeout: 240_000 }, async () => {
  const ports = await rtspPorts();
  const clientPort = ports.client;
  children.push(await startRtspServer(ports));
  children.push(publishClip(ports, join(SAMPLES, 'head-pose-face-detection-female.mp4'), 'door'));
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
