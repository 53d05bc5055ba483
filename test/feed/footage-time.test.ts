/** Footage time: a clip's creation_time, else startTime, else mtime; frame index and source path with every frame. */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileStartTime, formatOffset, frameIndexAt, mediaFacts, parseCreationTime, parseRate } from '../../src/feed/footage-time.js';
import { CLASSROOM, camera, collect, feed, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'faceidx-footage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('footage time (pure)', () => {
  test('ffprobe facts: creation_time from the format tags, frame rate from the video stream', () => {
    const facts = mediaFacts({
      format: { tags: { major_brand: 'isom', creation_time: '2024-05-01T10:00:00.000000Z' } },
      streams: [{ codec_type: 'audio', avg_frame_rate: '0/0' }, { codec_type: 'video', avg_frame_rate: '0/0', r_frame_rate: '30000/1001' }],
    });
    assert.equal(facts.creationTime, Date.parse('2024-05-01T10:00:00Z'));
    assert.ok(Math.abs(facts.frameRate! - 29.97) < 0.001);
    assert.deepEqual(mediaFacts({}), {});
  });

  test('an unset MP4 time (1970, 1904) or garbage is no creation_time', () => {
    assert.equal(parseCreationTime('1970-01-01T00:00:00.000000Z'), undefined);
    assert.equal(parseCreationTime('1904-01-01T00:00:00Z'), undefined);
    assert.equal(parseCreationTime('yesterday'), undefined);
    assert.equal(parseCreationTime(42), undefined);
    assert.equal(parseRate('0/0'), undefined);
    assert.equal(parseRate('12/1'), 12);
  });

  test('creation_time wins over startTime, startTime over mtime', () => {
    assert.deepEqual(fileStartTime({ creationTime: 5000 }, '2020-01-01T00:00:00Z', 9), { ms: 5000, source: 'creation_time' });
    assert.deepEqual(fileStartTime({}, '2020-01-01T00:00:00Z', 9), { ms: Date.parse('2020-01-01T00:00:00Z'), source: 'startTime' });
    assert.deepEqual(fileStartTime({}, undefined, 9), { ms: 9, source: 'mtime' });
  });

  test('offsets print as hh:mm:ss.mmm; frame index is offset x frame rate', () => {
    assert.equal(formatOffset(3723.5), '01:02:03.500');
    assert.equal(formatOffset(0.0834), '00:00:00.083');
    assert.equal(frameIndexAt(2.0833333, 12), 25);
    assert.equal(frameIndexAt(1, undefined), undefined);
  });
});

describe('footage time (ffmpeg)', () => {
  test('a clip tagged with creation_time gives frames at that time plus their offset', async () => {
    const tagged = join(dir, 'tagged.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', CLASSROOM, '-c', 'copy', '-metadata', 'creation_time=2024-05-01T10:00:00Z', tagged]);
    const f = feed(camera({ url: tagged, fps: 2, startTime: '2020-01-01T00:00:00Z' }));
    f.start();
    const frames = await collect(f);
    await f.stop();
    assert.ok(frames.length >= 5, `frames: ${frames.length}`);
    const t0 = Date.parse('2024-05-01T10:00:00Z');
    for (const fr of frames) {
      assert.equal(fr.ts, Math.round(t0 + fr.pos * 1000));
      assert.equal(fr.timeSource, 'creation_time');
      assert.equal(fr.source, tagged);
      assert.equal(fr.frameIndex, Math.round(fr.pos * 15), 'classroom.mp4 is 15 fps');
    }
    assert.deepEqual(frames.map((x) => x.frameIndex), [0, 8, 15, 23, 30, 38].slice(0, frames.length));
  });

  test('without the tag: startTime, else the modification time, and they say so', async () => {
    const plain = join(dir, 'plain.mp4');
    copyFileSync(CLASSROOM, plain);
    const mtime = new Date('2025-05-06T07:08:09.000Z');
    utimesSync(plain, mtime, mtime);
    const a = feed(camera({ url: plain, fps: 1, startTime: '2020-01-01T00:00:00Z' }));
    a.start();
    const byStart = await collect(a);
    await a.stop();
    assert.deepEqual(byStart.map((x) => [x.ts - Date.parse('2020-01-01T00:00:00Z'), x.timeSource]), byStart.map((x) => [Math.round(x.pos * 1000), 'startTime']));
    const b = feed(camera({ url: plain, fps: 1 }));
    b.start();
    const byMtime = await collect(b);
    await b.stop();
    assert.deepEqual(byMtime.map((x) => [x.ts - mtime.getTime(), x.timeSource]), byMtime.map((x) => [Math.round(x.pos * 1000), 'mtime']));
  });
});

describe('footage time (store, schema 5)', () => {
  test('a face keeps its source and frame index; a camera its time source', async () => {
    const { openStore } = await import('../../src/store/index.js');
    const store = await openStore(join(dir, 'state'));
    try {
      await store.cameras.upsert({ id: 'cam1', url: '/v/a.mp4', kind: 'file' });
      await store.cameras.setTimeSource('cam1', 'creation_time');
      const base = { cameraId: 'cam1', ts: 1000, framePos: 1.5, box: { x: 1, y: 2, width: 3, height: 4 }, score: 0.9, quality: 50, clusterable: true, descriptor: new Float32Array(128) };
      const [a, b] = await store.faces.insertMany([{ ...base, faceIdx: 0, source: '/v/a.mp4', frameIndex: 18 }, { ...base, faceIdx: 1 }]);
      assert.deepEqual([(await store.faces.get(a!))?.source, (await store.faces.get(a!))?.frameIndex], ['/v/a.mp4', 18]);
      assert.deepEqual([(await store.faces.get(b!))?.source, (await store.faces.get(b!))?.frameIndex], [null, null]);
      assert.equal((await store.cameras.get('cam1'))?.timeSource, 'creation_time');
    } finally {
      await store.close();
    }
  });
});
