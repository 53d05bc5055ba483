/** Image-folder feeds: order, per-image sizes, mtimes, maxWidth, resume, watch. */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLASSROOM, camera, collect, feed, run } from './helpers.js';

const ffmpeg = (args: string[]) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);

describe('folder feed', () => {
  let dir = '';
  let stills = '';
  const mtimes = [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faceidx-folder-'));
    stills = join(dir, 'stills');
    mkdirSync(stills);
    await ffmpeg(['-i', CLASSROOM, '-vf', 'fps=1', '-frames:v', '3', join(stills, 'img%d.jpg')]);
    await ffmpeg(['-i', CLASSROOM, '-frames:v', '1', '-vf', 'scale=101:57', join(stills, 'img10.png')]);
    writeFileSync(join(stills, 'notes.txt'), 'not an image');
    ['img1.jpg', 'img2.jpg', 'img3.jpg', 'img10.png'].forEach((n, i) => utimesSync(join(stills, n), mtimes[i]! / 1000, mtimes[i]! / 1000));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('images in natural order, each with its own size, mtime and path', async () => {
    const f = feed(camera({ url: stills }));
    assert.equal(f.kind, 'folder');
    f.start();
    const frames = await collect(f);
    assert.deepEqual(frames.map((x) => x.source?.slice(stills.length + 1)), ['img1.jpg', 'img2.jpg', 'img3.jpg', 'img10.png']);
    assert.deepEqual(frames.map((x) => x.pos), [0, 1, 2, 3]);
    assert.deepEqual(frames.map((x) => x.ts), mtimes);
    assert.deepEqual(frames.map((x) => [x.width, x.height]), [[480, 270], [480, 270], [480, 270], [101, 57]]);
    for (const x of frames) assert.equal(x.data.length, x.width * x.height * 3);
    assert.equal(f.status().state, 'done');
  });

  test('maxWidth scales only the wide images; resumeAfter skips by index', async () => {
    const f = feed(camera({ url: `${stills}/`, maxWidth: 240 }), { resumeAfter: 0 });
    f.start();
    const frames = await collect(f);
    assert.deepEqual(frames.map((x) => [x.pos, x.width, x.height]), [[1, 240, 136], [2, 240, 136], [3, 101, 57]]);
  });

  test('watch: new images are picked up', async () => {
    const live = join(dir, 'live');
    mkdirSync(live);
    await ffmpeg(['-i', CLASSROOM, '-frames:v', '1', join(live, 'a.jpg')]);
    const f = feed(camera({ url: live, watch: true }));
    f.start();
    try {
      const first = await collect(f, { max: 1 });
      assert.equal(first[0]!.source, join(live, 'a.jpg'));
      await ffmpeg(['-i', CLASSROOM, '-frames:v', '1', '-vf', 'scale=64:36', join(live, 'b.png')]);
      const second = await collect(f, { max: 1, timeoutMs: 10_000 });
      assert.equal(second[0]!.source, join(live, 'b.png'));
      assert.equal(second[0]!.width, 64);
      assert.equal(f.status().state, 'running');
    } finally {
      await f.stop();
    }
    assert.equal(f.status().state, 'stopped');
  });
});
