/**
 * Bad input: each ends in state error naming the camera and the cause, is retried where that
 * makes sense, never touches the other feeds, and never shows a password.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/log/logger.js';
import { CLASSROOM, WALKING_PAUSE, camera, childCommands, collect, feed, freePort, waitFor } from './helpers.js';
import type { CameraFeed } from '../../src/feed/index.js';

const FAST = { backoff: { initialMs: 100, maxMs: 400 } };

/** A camera that answers OPTIONS and refuses DESCRIBE with 401, like one given a wrong password. */
function fakeAuthCamera(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((sock) => {
      let buf = '';
      sock.on('error', () => {});
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        let end: number;
        while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
          const req = buf.slice(0, end);
          buf = buf.slice(end + 4);
          const cseq = /CSeq:\s*(\d+)/i.exec(req)?.[1] ?? '1';
          const head = req.startsWith('OPTIONS')
            ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n`
            : `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="cam"\r\n\r\n`;
          sock.write(head);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('bad input', () => {
  let dir = '';
  let auth: { server: Server; port: number };
  const feeds: CameraFeed[] = [];
  const logs = new Sink();
  const log = createLogger({ level: 'debug', pretty: false, destination: logs });
  const open = (id: string, url: string, over: Record<string, unknown> = {}) => {
    const f = feed(camera({ id, url, stallTimeout: 3, ...over }), { ...FAST, log });
    feeds.push(f);
    f.start();
    return f;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faceidx-bad-'));
    auth = await fakeAuthCamera();
  });
  after(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    auth.server.close();
    rmSync(dir, { recursive: true, force: true });
    assert.ok(!childCommands().includes('ffmpeg'), 'ffmpeg left running');
  });

  test('missing path: error naming the camera and the cause, retried; other feeds unaffected', async () => {
    const bad = open('cam-missing', join(dir, 'nope.mp4'));
    const good = open('cam-good', WALKING_PAUSE);
    const s = await waitFor(bad, (x) => x.state === 'error' && x.restarts >= 2);
    assert.match(s.lastError!, /camera "cam-missing": no such file/);
    assert.equal(s.lastErrorCode, 'FACEIDX_FEED_INPUT');
    assert.equal((await collect(good)).length, 4);
    assert.equal(good.status().state, 'done');
  });

  test('missing path as a service (no retry limit): still retried after several failures', async () => {
    const f = open('cam-service', join(dir, 'later.mp4'));
    const s = await waitFor(f, (x) => x.restarts >= 4);
    assert.notEqual(s.state, 'done');
    assert.ok(s.retryAt !== undefined || s.state === 'starting', JSON.stringify(s));
  });

  test('missing path and folder with a retry limit (a batch run): error after the retries, next() ends', async () => {
    for (const url of [join(dir, 'never.mp4'), join(dir, 'no-such-folder')]) {
      const f = feed(camera({ id: 'cam-batch', url, stallTimeout: 3 }), { ...FAST, log, giveUpAfter: 2 });
      feeds.push(f);
      f.start();
      assert.equal(await f.next(), undefined);
      const s = f.status();
      assert.equal(s.state, 'error');
      assert.equal(s.restarts, 2);
      assert.equal(s.retryAt, undefined);
      assert.match(s.lastError!, /camera "cam-batch": no such (file|folder)/);
    }
    assert.match(logs.text, /giving up after its retries/);
  });

  test('folder with no images: error, not retried, next() ends', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'readme.txt'), 'no images here');
    const f = open('cam-empty', empty);
    assert.equal(await f.next(), undefined);
    const s = f.status();
    assert.equal(s.state, 'error');
    assert.match(s.lastError!, /camera "cam-empty": no images/);
    assert.equal(s.restarts, 0);
  });

  for (const name of ['notes.txt', 'notes.mp4', 'report.pdf']) {
    test(`non-video file (${name}): error, not retried`, async () => {
      const txt = join(dir, name);
      writeFileSync(txt, `${name.endsWith('.pdf') ? '%PDF-1.4\n' : ''}${'this is not a video\n'.repeat(200)}`);
      const f = open('cam-text', txt);
      assert.equal(await f.next(), undefined);
      const s = f.status();
      assert.equal(s.state, 'error');
      assert.match(s.lastError!, /camera "cam-text": not a video/);
      assert.equal(s.restarts, 0);
    });
  }

  test('truncated mp4 (moov first): frames before the cut, then error', async () => {
    const cut = join(dir, 'cut.mp4');
    const data = readFileSync(CLASSROOM);
    writeFileSync(cut, data.subarray(0, Math.floor(data.length / 2)));
    const f = open('cam-cut', cut, { fps: 1 });
    const frames = await collect(f);
    assert.ok(frames.length >= 1 && frames.length < 3, `${frames.length} frames`);
    const s = f.status();
    assert.equal(s.state, 'error');
    assert.match(s.lastError!, /camera "cam-cut": truncated file/);
  });

  test('truncated mp4 (moov at the end, an unfinished recording): error, not retried', async () => {
    const full = join(dir, 'moov-last.mp4');
    copyFileSync(CLASSROOM, join(dir, 'src.mp4'));
    const { run } = await import('./helpers.js');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', join(dir, 'src.mp4'), '-c', 'copy', '-movflags', '-faststart', '-f', 'mov', full]);
    const data = readFileSync(full);
    assert.ok(data.indexOf('moov') > data.indexOf('mdat'), 'fixture should have moov after mdat');
    const cut = join(dir, 'moov-last-cut.mp4');
    writeFileSync(cut, data.subarray(0, Math.floor(data.length / 2)));
    const f = open('cam-unfinished', cut);
    assert.equal(await f.next(), undefined);
    const s = f.status();
    assert.equal(s.state, 'error');
    assert.match(s.lastError!, /camera "cam-unfinished": truncated or unfinished MP4/);
  });

  test('unreachable host (loopback port, nothing listening): error, retried', async () => {
    const port = await freePort();
    const f = open('cam-off', `rtsp://admin:hunter2-secret@127.0.0.1:${port}/live`, { rtspTransport: 'tcp' });
    const s = await waitFor(f, (x) => x.state === 'error' && x.restarts >= 1);
    assert.match(s.lastError!, /camera "cam-off": connection refused/);
    assert.equal(s.lastErrorCode, 'FACEIDX_FEED_UNREACHABLE');
    assert.ok(s.lastError!.includes(`rtsp://admin:***@127.0.0.1:${port}/live`), s.lastError);
  });

  test('wrong credentials (401): error, retried, password nowhere', async () => {
    const f = open('cam-auth', `rtsp://admin:wr0ng-s3cret@127.0.0.1:${auth.port}/stream1`, { rtspTransport: 'tcp' });
    const s = await waitFor(f, (x) => x.state === 'error' && x.restarts >= 1);
    assert.match(s.lastError!, /camera "cam-auth": credentials refused \(401/);
    assert.ok(s.retryAt !== undefined);
  });

  test('passwords appear in no status, error or log line', () => {
    const all = JSON.stringify(feeds.map((f) => f.status())) + logs.text;
    assert.ok(logs.text.includes('cam-auth') && logs.text.includes('cam-off'), 'logs should mention the cameras');
    assert.ok(!all.includes('hunter2') && !all.includes('wr0ng-s3cret'), 'a password leaked');
    assert.ok(all.includes('admin:***@'));
  });
});
