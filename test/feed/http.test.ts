/** http(s):// feeds: a stream served on loopback; frames carry the wall clock; the end of the stream is not "done". */
import { strict as assert } from 'node:assert';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CLASSROOM, camera, collect, feed, waitFor } from './helpers.js';
import type { CameraFeed } from '../../src/feed/index.js';

describe('http feed', () => {
  let server: Server;
  let port = 0;
  const feeds: CameraFeed[] = [];
  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      createReadStream(CLASSROOM).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  after(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    server.closeAllConnections();
    server.close();
  });

  test('frames with wall-clock times; a stream that ends is restarted, not done', async () => {
    const f = feed(camera({ url: `http://u:pw-123456@127.0.0.1:${port}/cam.mp4`, fps: 2 }), { backoff: { initialMs: 100, maxMs: 200 }, maxQueue: 50 });
    feeds.push(f);
    assert.equal(f.kind, 'http');
    const t0 = Date.now();
    f.start();
    const frames = await collect(f, { max: 6 });
    assert.ok(frames.every((x) => x.width === 480 && x.height === 270 && x.ts >= t0 && x.ts <= Date.now()));
    const s = await waitFor(f, (x) => x.restarts >= 1);
    assert.notEqual(s.state, 'done');
    assert.match(s.lastError ?? '', /the stream ended/);
    assert.ok(!JSON.stringify(s).includes('pw-123456'));
    const more = await collect(f, { max: 8 });
    const runs = [...frames, ...more].map((x) => x.run!);
    assert.ok(runs.every((r, i) => Number.isInteger(r) && (i === 0 || r >= runs[i - 1]!)), `runs in order: ${runs.join(',')}`);
    assert.ok(new Set(runs).size >= 2, `a restarted stream delivers frames of a new run: ${runs.join(',')}`);
  });
});
