import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaceEngine, FacePool } from '../../src/faces/index.js';
import { loadImage } from '../../src/faces/image.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Worker } from 'node:worker_threads';

const config = parseConfig('storage:\n  dir: /tmp/x\n', 'p.yaml', { checkStorage: false });
const modelDir = join(tmpdir(), 'faceidx-test-models');
const photo = new URL('../../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url).pathname;

test('the worker pool gives the engine\'s results, and a dead worker is replaced', { timeout: 120_000 }, async () => {
  const inference = { ...config.inference, device: 'cpu' as const, threads: 1 };
  const img = await loadImage(photo);
  const engine = await FaceEngine.create({ detector: config.detector, inference, modelDir, log: silentLogger });
  const expected = await engine.analyze(img);
  await engine.close();
  assert.ok(expected.length > 0, 'the demo photo has faces');

  const pool = await FacePool.create({ detector: config.detector, inference, modelDir, log: silentLogger, workers: 2 });
  try {
    assert.equal(pool.provider, 'cpu');
    const [a, b] = await Promise.all([pool.analyze(img), pool.analyze(img)]);
    for (const got of [a, b]) {
      assert.equal(got.length, expected.length);
      got.forEach((f, i) => {
        assert.deepEqual(f.box, expected[i]!.box);
        assert.deepEqual(Array.from(f.descriptor), Array.from(expected[i]!.descriptor));
      });
    }
    // A frame in shared memory (ffmpeg's frames) is read in place: same faces, and the caller
    // keeps its bytes (thumbnails are cut from them after analysis).
    const shared = { ...img, data: new Uint8Array(new SharedArrayBuffer(img.data.length)) };
    shared.data.set(img.data);
    const fromShared = await pool.analyze(shared);
    assert.deepEqual(fromShared.map((f) => Array.from(f.descriptor)), expected.map((f) => Array.from(f.descriptor)));
    assert.equal(shared.data.length, img.data.length);
    assert.deepEqual(shared.data.subarray(0, 64), img.data.subarray(0, 64));
    const copied = { ...img, data: Uint8Array.from(img.data) };
    await pool.analyze(copied);
    assert.equal(copied.data.length, img.data.length, 'a frame not in shared memory is copied, not taken');
    const slots = (pool as unknown as { slots: Array<{ worker: Worker }> }).slots;
    const dead = slots[0]!.worker;
    await dead.terminate();
    // The replacement loads its models (seconds; longer on a loaded machine): wait for it, up to 60 s.
    for (let t = 0; t < 600 && slots[0]!.worker === dead; t++) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(slots[0]!.worker, dead, 'a new worker took its place');
    const again = await Promise.all([pool.analyze(img), pool.analyze(img), pool.analyze(img)]);
    for (const got of again) assert.equal(got.length, expected.length);
  } finally {
    await pool.close();
  }
});
