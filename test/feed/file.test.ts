/** File feeds: frame counts and timestamps at 1 and 2 fps and in keyframe mode, sizing, resume, GIF, loop, stop. */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { completedOutput, startDecoder, type Decoder, type DecoderExit } from '../../src/feed/ffmpeg.js';
import { CLASSROOM, FEMALE, WALKING_PAUSE, camera, childCommands, collect, feed, positions, run } from './helpers.js';

const START = '2026-01-02T03:04:05.000Z';
const START_MS = Date.parse(START);

describe('file feed', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'faceidx-file-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('1 fps: one frame per second of video, timed from startTime', async () => {
    const f = feed(camera({ url: WALKING_PAUSE, fps: 1, startTime: START }));
    f.start();
    const frames = await collect(f);
    assert.deepEqual(positions(frames), [0, 1, 2, 3]);
    assert.deepEqual(frames.map((x) => x.ts), [0, 1, 2, 3].map((s) => START_MS + s * 1000));
    assert.deepEqual(frames.map((x) => x.seq), [0, 1, 2, 3]);
    for (const x of frames) {
      assert.equal(x.cameraId, 'cam1');
      assert.equal(x.width, 480);
      assert.equal(x.height, 270);
      assert.equal(x.data.length, 480 * 270 * 3);
    }
    const s = f.status();
    assert.equal(s.state, 'done');
    assert.equal(s.framesIn, 4);
    assert.equal(s.framesOut, 4);
    assert.equal(s.drops, 0);
    assert.equal(s.restarts, 0);
  });

  test('2 fps at 15 fps input: the first frame of each half second', async () => {
    const f = feed(camera({ url: CLASSROOM, fps: 2, startTime: START }));
    f.start();
    const frames = await collect(f);
    // frames lie at k/15 s: 0.5 s falls between 7/15 and 8/15, so that slot starts at 8/15
    assert.deepEqual(positions(frames), [0, 0.533, 1, 1.533, 2, 2.533]);
    assert.deepEqual(frames.map((x) => x.ts), [0, 533, 1000, 1533, 2000, 2533].map((ms) => START_MS + ms));
  });

  test('keyframes: one frame per GOP, at the keyframes\' times, never repeated', async () => {
    const f = feed(camera({ url: WALKING_PAUSE, fps: 2, decode: 'keyframes', startTime: START }));
    f.start();
    const frames = await collect(f);
    assert.deepEqual(positions(frames), [0, 2.083]);
    assert.equal(frames[1]!.ts, START_MS + 2083);
    assert.notDeepEqual(frames[0]!.data, frames[1]!.data);
  });

  test('default start time is the file modification time', async () => {
    const copy = join(dir, 'clip.mp4');
    copyFileSync(FEMALE, copy);
    const mtime = new Date('2025-05-06T07:08:09.000Z');
    utimesSync(copy, mtime, mtime);
    const f = feed(camera({ url: copy, fps: 1 }));
    f.start();
    const frames = await collect(f);
    assert.deepEqual(frames.map((x) => x.ts), [mtime.getTime(), mtime.getTime() + 1000]);
  });

  test('maxWidth scales in ffmpeg to even sizes, frames sized exactly', async () => {
    const f = feed(camera({ url: FEMALE, fps: 1, maxWidth: 201 }));
    f.start();
    const frames = await collect(f);
    assert.equal(frames.length, 2);
    for (const x of frames) {
      assert.equal(x.width, 200);
      assert.equal(x.height, 112);
      assert.equal(x.data.length, 200 * 112 * 3);
    }
  });

  test('resumeAfter skips what a previous run delivered, same frames as from the start', async () => {
    const f = feed(camera({ url: WALKING_PAUSE, fps: 1, startTime: START }), { resumeAfter: 1.5 });
    f.start();
    const frames = await collect(f);
    assert.deepEqual(positions(frames), [2, 3]);
    assert.deepEqual(frames.map((x) => x.ts), [START_MS + 2000, START_MS + 3000]);
  });

  test('a slow consumer loses nothing from a file (the reader pauses), queue stays bounded', async () => {
    const f = feed(camera({ url: CLASSROOM, fps: 5 }), { maxQueue: 2 });
    f.start();
    const frames = [];
    for (;;) {
      await new Promise((r) => setTimeout(r, 30));
      const x = await f.next();
      if (!x) break;
      frames.push(x);
    }
    assert.equal(frames.length, 15);
    assert.equal(f.status().drops, 0);
  });

  test('GIF', async () => {
    const gif = join(dir, 'anim.gif');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', FEMALE, '-t', '1.9', '-vf', 'fps=5,scale=120:-2', gif]);
    const f = feed(camera({ url: gif, fps: 2, startTime: START }));
    f.start();
    const frames = await collect(f);
    assert.deepEqual(positions(frames), [0, 0.6, 1, 1.6]);
    assert.ok(frames.every((x) => x.width === 120 && x.height === 68 && x.data.length === 120 * 68 * 3));
  });

  test('loop: starts again at the end, positions keep growing', async () => {
    const f = feed(camera({ url: FEMALE, fps: 2, loop: true }));
    f.start();
    const frames = await collect(f, { max: 10 });
    await f.stop();
    const pos = frames.map((x) => x.pos);
    assert.ok(pos.every((p, i) => i === 0 || p > pos[i - 1]!), `positions not increasing: ${pos.join(' ')}`);
    assert.ok(pos.at(-1)! > 3.5, `last position ${pos.at(-1)}`);
    assert.equal(f.status().restarts, 0);
  });

  test('stop(): kills ffmpeg, next() ends, state stopped', async () => {
    const f = feed(camera({ url: FEMALE, fps: 2, loop: true }), { maxQueue: 1 });
    f.start();
    await collect(f, { max: 1 });
    assert.ok(childCommands().includes('ffmpeg'), 'ffmpeg should be running');
    await f.stop();
    assert.equal(await f.next(), undefined);
    assert.equal(f.status().state, 'stopped');
    assert.ok(!childCommands().includes('ffmpeg'), `left running: ${childCommands().join(', ')}`);
  });

  test('kill() ends a run whose ffmpeg exited while its output was paused unread (a full queue)', async () => {
    // One 8x8 frame: the whole output is one chunk; pausing on it keeps the pipe's end unread.
    let dec: Decoder | undefined;
    let chunks = 0;
    dec = startDecoder(
      { input: FEMALE, inputOptions: ['-hide_banner', '-nostdin'], outputOptions: ['-frames:v', '1', '-vf', 'scale=8:8', '-pix_fmt', 'rgb24', '-f', 'rawvideo'] },
      { onData: () => (chunks++, dec?.pause()), onStderr: () => undefined },
    );
    for (let i = 0; i < 200 && (chunks === 0 || childCommands().includes('ffmpeg')); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(chunks, 1);
    assert.ok(!childCommands().includes('ffmpeg'), 'ffmpeg has exited');
    await new Promise((r) => setTimeout(r, 500)); // fluent-ffmpeg has seen the exit ('end')
    dec.kill();
    const end = await Promise.race([dec.exited, new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5000))]);
    assert.deepEqual(typeof end === 'object' && end ? { ok: (end as DecoderExit).ok, killed: (end as DecoderExit).killed } : end, { ok: true, killed: true });
  });

  test('"Output stream closed" after ffmpeg\'s final statistics is a completed run, before them a failure', () => {
    const closed = new Error('Output stream closed');
    const summary = 'video:7973kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: 0.000000%';
    assert.equal(completedOutput(closed, ['frame=   23 fps=0.0 q=-0.0 size=    7973kB', summary]), true);
    assert.equal(completedOutput(closed, ['frame=   12 fps=0.0 q=-0.0 size=    3000kB']), false);
    assert.equal(completedOutput(new Error('ffmpeg exited with code 1: x'), [summary]), false);
  });
});
