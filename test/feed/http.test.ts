/** http(s):// feeds: a stream served on loopback; frames carry the wall clock; the end of the stream is not "done". */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CLASSROOM, camera, collect, feed, waitFor } from './helpers.js';
import type { CameraFeed } from '../../src/feed/index.js';
import { ffmpegChildren, readProcUnprivileged } from '../helpers/proc.js';

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

  test('issue 21: a camera behind digest auth with ?pwd=: frames arrive; no secret on a command line, in status or its error', async () => {
    const md5 = (x: string) => createHash('md5').update(x).digest('hex');
    const challenge = { 'www-authenticate': 'Digest realm="cam", nonce="n0nce", qop="auth"' };
    let authorised = 0;
    const digest = createServer((req, res) => {
      const a = Object.fromEntries([...(req.headers.authorization ?? '').matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
      const ha1 = md5('admin:cam:p@ss word');
      if (a['response'] !== md5(`${ha1}:${a['nonce']}:${a['nc']}:${a['cnonce']}:${a['qop']}:${md5(`GET:${a['uri']}`)}`)) return void res.writeHead(401, challenge).end();
      authorised++;
      res.writeHead(200, { 'content-type': 'video/mp4' });
      createReadStream(CLASSROOM).pipe(res);
    });
    await new Promise<void>((r) => digest.listen(0, '127.0.0.1', r));
    const dport = (digest.address() as { port: number }).port;
    try {
      const f = feed(camera({ id: 'snap', url: `http://admin:p%40ss%20word@127.0.0.1:${dport}/cam.mp4?pwd=Hunter2x&chn=1`, fps: 2 }), { backoff: { initialMs: 100, maxMs: 200 }, maxQueue: 50 });
      feeds.push(f);
      f.start();
      assert.equal((await collect(f, { max: 2 })).length, 2);
      assert.ok(authorised >= 1, 'the digest answer was right');
      const secrets = ['p%40ss', 'p@ss', 'Hunter2x'];
      const lines = ffmpegChildren().map((pid) => readProcUnprivileged(pid, 'cmdline'));
      assert.ok(lines.length >= 1);
      for (const l of lines) assert.ok(l !== null && !secrets.some((x) => l.includes(x)), `a command line holds a secret: ${l}`);
      assert.equal(f.status().url, `http://admin:***@127.0.0.1:${dport}/cam.mp4?pwd=***&chn=1`);
      const s = await waitFor(f, (x) => x.restarts >= 1);
      assert.match(s.lastError ?? '', /the stream ended/);
      assert.ok(!secrets.some((x) => JSON.stringify(s).includes(x)), JSON.stringify(s));
      await f.stop();
    } finally {
      digest.closeAllConnections();
      digest.close();
    }
  });
});
