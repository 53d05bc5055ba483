/**
 * RTSP against a real server on loopback (Debian's rtsp-server-perl, UDP transport), fed by
 * `ffmpeg -re -stream_loop -1 ... -f rtsp`. The server is killed mid-stream and restarted;
 * frames must resume within 5 s of its return.
 */
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { CameraFeed } from '../../src/feed/index.js';
import { ffmpegChildren, readProcUnprivileged } from '../helpers/proc.js';
import { publishClip, rtspPorts, startRtspServer, stopChild, type RtspPorts } from '../helpers/rtsp-server.js';
import { CLASSROOM, camera, childCommands, collect, feed, waitFor } from './helpers.js';

const FAST = { backoff: { initialMs: 200, maxMs: 1000 } };

describe('rtsp feed (rtsp-server-perl on loopback)', () => {
  let ports: RtspPorts;
  let clientPort = 0;
  let server: ChildProcess | undefined;
  let pusher: ChildProcess | undefined;
  const feeds: CameraFeed[] = [];

  async function startServer(): Promise<void> {
    server = await startRtspServer(ports, 10_000);
    pusher = publishClip(ports, CLASSROOM, 'cam1');
  }

  async function stopServer(): Promise<void> {
    await stopChild(server);
    await stopChild(pusher);
  }

  before(async () => {
    ports = await rtspPorts();
    clientPort = ports.client;
    await startServer();
  });
  after(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    await stopServer();
    assert.ok(!childCommands().includes('ffmpeg'), `left running: ${childCommands().join(', ')}`);
  });

  test('frames with wall-clock times; drops when the consumer lags; resumes within 5 s after the server returns', async (t) => {
    // stallTimeout 5 s: opening this UDP stream (DESCRIBE, SETUP, waiting for a keyframe, probing)
    // took 2.3 s with ffmpeg 5.1 on the (busy) 2-core dev machine, so a 2 s stall killed every attempt before its first frame.
    const f = feed(camera({ id: 'door', url: `rtsp://viewer:pa55word@127.0.0.1:${clientPort}/cam1`, rtspTransport: 'udp', fps: 5, stallTimeout: 5 }), { ...FAST, maxQueue: 2 });
    feeds.push(f);
    const t0 = Date.now();
    f.start();
    const first = await collect(f, { max: 3, timeoutMs: 15_000 });
    for (const x of first) {
      assert.equal(x.width, 480);
      assert.equal(x.height, 270);
      assert.equal(x.data.length, 480 * 270 * 3);
      assert.ok(x.ts >= t0 && x.ts <= Date.now(), 'live frames carry the wall clock');
    }
    assert.ok(first[1]!.pos > first[0]!.pos);
    assert.equal(f.status().state, 'running');
    assert.equal(f.status().url, `rtsp://viewer:***@127.0.0.1:${clientPort}/cam1`);
    // issue 21: the password is on no command line an unprivileged user can read (nor in environ).
    const pids = ffmpegChildren();
    const lines = pids.map((pid) => readProcUnprivileged(pid, 'cmdline'));
    for (const l of lines) assert.ok(l !== null && !l.includes('pa55word'), `a command line holds the password: ${l}`);
    assert.equal(lines.filter((l) => l?.includes('-nostats')).length, 1, `the feed's ffmpeg is among them: ${lines.join(' | ')}`);
    for (const pid of pids) assert.ok(!(readProcUnprivileged(pid, 'environ') ?? '').includes('pa55word'));

    // stop reading: capture goes on, the oldest frames are dropped
    await waitFor(f, (s) => s.drops >= 2, 10_000);
    const newest = await collect(f, { max: 2 });
    assert.ok(newest[1]!.seq > newest[0]!.seq);

    await stopServer();
    await waitFor(f, (s) => s.state === 'backoff' || s.state === 'error', 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    while (f.status().framesIn > f.status().framesOut + f.status().drops) await f.next(); // empty the queue
    const before = f.status().framesIn;
    await startServer();
    const back = Date.now();
    await waitFor(f, (s) => s.framesIn > before, 10_000);
    const resumedMs = f.status().lastFrameAt! - back;
    t.diagnostic(`frames resumed ${resumedMs} ms after the server returned`);
    assert.ok(resumedMs < 5000, `frames resumed ${resumedMs} ms after the server returned`);
    const s = f.status();
    assert.equal(s.state, 'running');
    assert.ok(s.restarts >= 1);
    assert.ok(!JSON.stringify(s).includes('pa55word'));
  });

  test('an RTSP path that does not exist: error (404), retried', async () => {
    const f = feed(camera({ id: 'ghost', url: `rtsp://127.0.0.1:${clientPort}/nope`, rtspTransport: 'udp', stallTimeout: 2 }), FAST);
    feeds.push(f);
    f.start();
    const s = await waitFor(f, (x) => x.state === 'error' && x.restarts >= 1, 10_000);
    assert.match(s.lastError!, /camera "ghost": stream path not found \(404\)/);
    await f.stop();
  });
});
