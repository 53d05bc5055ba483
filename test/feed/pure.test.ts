/** Pure logic of the feed stage: no ffmpeg, no files (except feedKind on a temp folder). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Backoff, backoffDelay } from '../../src/feed/backoff.js';
import { classifyFailure } from '../../src/feed/classify.js';
import { effectiveStallMs } from '../../src/feed/camera-feed.js';
import { decodeSpec, filterChain, networkTimeoutUs, targetSize } from '../../src/feed/ffmpeg-args.js';
import { imageNames } from '../../src/feed/folder-source.js';
import { FrameAssembler, parseShowinfo } from '../../src/feed/frame-assembler.js';
import { FrameBuffers } from '../../src/feed/frame-buffers.js';
import { feedKind } from '../../src/feed/kind.js';
import { FrameQueue } from '../../src/feed/queue.js';
import { cameraSchema } from '../../src/config/schema.js';

describe('feedKind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-kind-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('by scheme, trailing slash or existing folder', () => {
    assert.equal(feedKind('rtsp://u:p@h/x'), 'rtsp');
    assert.equal(feedKind('RTSPS://h/x'), 'rtsp');
    assert.equal(feedKind('http://h/x.mjpg'), 'http');
    assert.equal(feedKind('https://h/x.m3u8'), 'http');
    assert.equal(feedKind('/nowhere/clip.mp4'), 'file');
    assert.equal(feedKind('/nowhere/stills/'), 'folder');
    assert.equal(feedKind(dir), 'folder');
    assert.equal(feedKind('anim.gif'), 'file');
  });
});

describe('ffmpeg arguments', () => {
  const cam = (over: Record<string, unknown>) => cameraSchema.parse({ id: 'c', url: 'x.mp4', ...over });
  test('issue 21: a network URL with credentials goes to ffmpeg as a concat list on stdin, with its protocol options', () => {
    const url = "rtsp://ad'min:s3cr3t@cam:554/live?x=1";
    const spec = decodeSpec(cam({ url, rtspTransport: 'udp', stallTimeout: 4 }), url, { kind: 'rtsp' });
    assert.equal(spec.input, 'pipe:0');
    assert.ok(![...spec.inputOptions, ...spec.outputOptions].some((a) => a.includes('s3cr3t')));
    assert.deepEqual(spec.inputOptions.slice(-6), ['-f', 'concat', '-safe', '0', '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls,http,https,httpproxy,crypto']);
    assert.equal(spec.stdin, "ffconcat version 1.0\nfile 'rtsp://ad'\\''min:s3cr3t@cam:554/live?x=1'\noption rtsp_transport 'udp'\noption timeout '4000000'\n");
    const http = decodeSpec(cam({ url: 'http://cam/v.mjpg?pwd=abc' }), 'http://cam/v.mjpg?pwd=abc', { kind: 'http' });
    assert.match(http.stdin ?? '', /option rw_timeout '\d+'/);
    const plain = decodeSpec(cam({ url: 'rtsp://cam/live' }), 'rtsp://cam/live', { kind: 'rtsp' });
    assert.deepEqual([plain.input, plain.stdin], ['rtsp://cam/live', undefined]);
  });

  test('file, keyframes, maxWidth, loop, seek', () => {
    const spec = decodeSpec(cam({ decode: 'keyframes', maxWidth: 641, loop: true, fps: 2 }), 'x.mp4', { kind: 'file', seekSec: 3.5 });
    const i = spec.inputOptions;
    assert.ok(i.includes('-nostdin'));
    assert.deepEqual(i.slice(i.indexOf('-skip_frame'), i.indexOf('-skip_frame') + 2), ['-skip_frame', 'nokey']);
    assert.ok(!i.includes('-stream_loop'), 'a looping file is read pass after pass by the feed, so offsets stay within the file');
    assert.deepEqual(i.slice(i.indexOf('-ss'), i.indexOf('-ss') + 2), ['-ss', '3.5']);
    assert.ok(!i.includes('-rtsp_transport'));
    const vf = spec.outputOptions[spec.outputOptions.indexOf('-vf') + 1]!;
    assert.match(vf, /^select='.*floor\(t\*2\).*',scale=w='if\(gt\(iw,640\),640,iw\)':h='if\(gt\(iw,640\),-2,ih\)',format=rgb24,showinfo$/);
    assert.ok(spec.outputOptions.includes('rawvideo'));
  });
  test('rtsp transport and timeouts; http rw_timeout; hwaccel', () => {
    const r = decodeSpec(cam({ url: 'rtsp://h/x', rtspTransport: 'udp', hwaccel: 'cuda', stallTimeout: 5 }), 'rtsp://h/x', { kind: 'rtsp' }).inputOptions;
    assert.deepEqual(r.slice(r.indexOf('-rtsp_transport'), r.indexOf('-rtsp_transport') + 4), ['-rtsp_transport', 'udp', '-timeout', '5000000']);
    assert.deepEqual(r.slice(r.indexOf('-hwaccel'), r.indexOf('-hwaccel') + 2), ['-hwaccel', 'cuda']);
    assert.ok(!r.includes('-skip_frame') && !r.includes('-ss'));
    const h = decodeSpec(cam({ url: 'http://h/x' }), 'http://h/x', { kind: 'http' }).inputOptions;
    assert.ok(h.includes('-rw_timeout'));
    assert.equal(networkTimeoutUs(60_000), 10_000_000);
    assert.equal(networkTimeoutUs(100), 2_000_000);
  });
  test('fractional fps and no maxWidth', () => {
    assert.equal(filterChain({ fps: 0.5, maxWidth: undefined }), "select='if(isnan(prev_selected_t),1,gt(floor(t*0.5),floor(prev_selected_t*0.5)))',format=rgb24,showinfo");
  });
  test('targetSize keeps small images, scales wide ones to even sizes', () => {
    assert.deepEqual(targetSize(480, 270), { width: 480, height: 270 });
    assert.deepEqual(targetSize(480, 271, 640), { width: 480, height: 271 });
    assert.deepEqual(targetSize(1920, 1080, 641), { width: 640, height: 360 });
    assert.deepEqual(targetSize(1001, 333, 500), { width: 500, height: 166 });
  });
  test('stall timeout never shorter than 2.5 frame intervals', () => {
    assert.equal(effectiveStallMs(20_000, 1), 20_000);
    assert.equal(effectiveStallMs(2_000, 0.1), 25_000);
  });
});

describe('backoff', () => {
  test('doubles from initial to the cap, resets', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 3000 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 3000, 3000]);
    b.reset();
    assert.equal(b.next(), 500);
    assert.equal(backoffDelay(1000, { initialMs: 1000, maxMs: 30_000 }), 30_000);
  });
});

describe('FrameQueue', () => {
  test('drops the oldest when full and reports it', async () => {
    const q = new FrameQueue<number>(2);
    assert.equal(q.push(1), undefined);
    assert.equal(q.push(2), undefined);
    assert.equal(q.push(3), 1);
    assert.equal(await q.take(), 2);
    assert.equal(await q.take(), 3);
  });
  test('a waiting taker gets the next push; close releases takers and keeps items unless discarded', async () => {
    const q = new FrameQueue<number>(1);
    const waiting = q.take();
    q.push(7);
    assert.equal(await waiting, 7);
    const w2 = q.take();
    q.close();
    assert.equal(await w2, undefined);
    const q2 = new FrameQueue<number>(3);
    q2.append(1);
    q2.append(2);
    q2.append(3);
    q2.append(4);
    assert.equal(q2.length, 4);
    q2.close();
    assert.equal(await q2.take(), 1);
    q2.close(true);
    assert.equal(await q2.take(), undefined);
    assert.equal(q2.push(5), undefined);
    assert.throws(() => new FrameQueue(0), RangeError);
  });
});

describe('FrameBuffers', () => {
  test('a buffer given back serves the next frame of its size, once however often it is given back', () => {
    const pool = new FrameBuffers(2);
    const a = pool.acquire(12);
    assert.ok(a.buffer instanceof SharedArrayBuffer);
    assert.equal(a.length, 12);
    const back = pool.handBack(a);
    back();
    back();
    assert.equal(pool.acquire(12), a, 'reused');
    assert.notEqual(pool.acquire(12), a, 'given back twice, reused once: two frames never share it');
    const b = pool.acquire(6);
    pool.handBack(b)();
    assert.notEqual(pool.acquire(12), b, 'only a buffer of the size asked for');
    assert.equal(pool.acquire(6), b);
  });
  test('holds at most `keep` free buffers, the newest', () => {
    const pool = new FrameBuffers(2);
    const bufs = [pool.acquire(4), pool.acquire(4), pool.acquire(4)];
    for (const buf of bufs) pool.handBack(buf)();
    const again = [pool.acquire(4), pool.acquire(4), pool.acquire(4)];
    assert.deepEqual(again.map((buf) => bufs.indexOf(buf)).sort(), [-1, 1, 2]);
  });
});

describe('FrameAssembler', () => {
  const line = (n: number, pts: string, w: number, h: number) =>
    `[Parsed_showinfo_2 @ 0x55] n:${String(n).padStart(4)} pts:  25600 pts_time:${pts} pos:    43017 fmt:rgb24 sar:0/1 s:${w}x${h} i:P iskey:1 type:I checksum:331A81DF`;
  test('parses showinfo frame lines only', () => {
    assert.deepEqual(parseShowinfo(line(1, '2.08333', 200, 112)), { n: 1, ptsTime: 2.08333, width: 200, height: 112 });
    assert.equal(parseShowinfo('[Parsed_showinfo_2 @ 0x5] config in time_base: 1/12288, frame_rate: 12/1'), undefined);
    assert.equal(parseShowinfo('frame=    2 fps=0.0 q=-0.0'), undefined);
    assert.equal(parseShowinfo(line(0, 'NOPTS', 2, 2))?.ptsTime, undefined);
  });
  test('cuts frames exactly whatever the chunking and the order of lines and bytes', () => {
    const a = new FrameAssembler();
    const f0 = Buffer.alloc(2 * 2 * 3, 1);
    const f1 = Buffer.alloc(4 * 2 * 3, 2);
    const all = Buffer.concat([f0, f1, Buffer.from([9, 9])]);
    const out = [...a.pushData(all.subarray(0, 5))];
    out.push(...a.pushInfo(parseShowinfo(line(0, '0', 2, 2))!));
    assert.equal(out.length, 0);
    out.push(...a.pushData(all.subarray(5, 20)));
    assert.equal(out.length, 1);
    out.push(...a.pushData(all.subarray(20)));
    out.push(...a.pushInfo(parseShowinfo(line(1, '0.5', 4, 2))!));
    assert.equal(out.length, 2);
    assert.deepEqual(out[0]!.data, f0);
    assert.deepEqual(out[1]!.data, f1);
    assert.equal(out[1]!.width, 4);
    assert.equal(out[1]!.ptsTime, 0.5);
    assert.equal(a.pendingBytes, 2);
  });
  test('copies bytes out of the pipe chunks once a size is known, so chunks are not held', () => {
    const a = new FrameAssembler();
    a.pushInfo(parseShowinfo(line(0, '0', 2, 1))!);
    const chunk = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // one frame (6 bytes) and half of the next
    const [f0] = a.pushData(chunk);
    chunk.fill(0); // the pipe's memory, reused
    assert.deepEqual([...f0!.data], [1, 2, 3, 4, 5, 6]);
    assert.equal(a.pendingBytes, 3);
    const [f1] = [...a.pushData(Buffer.from([10, 11, 12])), ...a.pushInfo(parseShowinfo(line(1, '1', 2, 1))!)];
    assert.deepEqual([...f1!.data], [7, 8, 9, 10, 11, 12], 'the next frame, cut at the last size before its line came');
  });
  test('re-cuts bytes when the stream changes size after they were cut at the old one', () => {
    const a = new FrameAssembler();
    a.pushInfo(parseShowinfo(line(0, '0', 1, 1))!);
    const bytes = Buffer.from(Array.from({ length: 3 + 6 + 6 }, (_, i) => i));
    const out = [...a.pushData(bytes)]; // 3 bytes of frame 0, then 12 bytes cut as four 1x1 frames
    assert.equal(out.length, 1);
    out.push(...a.pushInfo(parseShowinfo(line(1, '1', 2, 1))!), ...a.pushInfo(parseShowinfo(line(2, '2', 2, 1))!));
    assert.deepEqual(out.map((f) => [...f.data]), [[0, 1, 2], [3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14]]);
    assert.equal(a.pendingBytes, 0);
    out.push(...a.pushData(Buffer.from([20, 21, 22, 23, 24, 25])), ...a.pushInfo(parseShowinfo(line(3, '3', 2, 1))!));
    assert.deepEqual([...out[3]!.data], [20, 21, 22, 23, 24, 25], 'and goes on at the new size');
  });
  test('puts each frame in shared memory of its own, even when one chunk is exactly one frame', () => {
    const a = new FrameAssembler();
    a.pushInfo(parseShowinfo(line(0, '0', 2, 2))!);
    const chunk = Buffer.alloc(12, 7);
    const [f] = a.pushData(chunk);
    assert.ok(f!.data.buffer instanceof SharedArrayBuffer, 'the face workers read frames without a copy');
    assert.equal(f!.data.byteLength, 12);
    chunk.fill(0);
    assert.equal(f!.data[0], 7);
  });
});

describe('classifyFailure', () => {
  test('names the cause and decides on retrying', () => {
    const c = (lines: string[], kind: 'file' | 'rtsp' = 'rtsp') => classifyFailure(kind, lines, 'exited with code 1');
    assert.match(c(['[tcp @ 0x1] Connection to tcp://127.0.0.1:1 failed: Connection refused']).cause, /connection refused/);
    assert.equal(c(['x: Server returned 401 Unauthorized (authorization failed)']).retry, true);
    assert.match(c(['x: Server returned 401 Unauthorized (authorization failed)']).cause, /credentials/);
    assert.match(c(['[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found']).cause, /path not found/);
    const trunc = c(['[mov,mp4 @ 0x1] moov atom not found', 'x.mp4: Invalid data found when processing input'], 'file');
    assert.equal(trunc.retry, false);
    assert.match(trunc.cause, /truncated/);
    const junk = c(['x.txt: Invalid data found when processing input'], 'file');
    assert.equal(junk.retry, false);
    assert.equal(junk.code, 'FACEIDX_FEED_INPUT');
    assert.equal(c(['[Parsed_showinfo_2 @ 0x1] n: 3 pts: 404 pts_time:1 pos: 404 s:2x2', 'weird thing']).cause, 'ffmpeg exited with code 1: weird thing');
  });
});

describe('imageNames', () => {
  test('images only, natural order, no hidden files', () => {
    assert.deepEqual(imageNames(['img10.jpg', 'img2.JPG', 'notes.txt', '.img0.png', 'img1.png', 'a.webp']), ['a.webp', 'img1.png', 'img2.JPG', 'img10.jpg']);
  });
});
