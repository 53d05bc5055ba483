import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameScene, sceneSignature, SIGNATURE_COLS, SIGNATURE_ROWS } from '../../src/feed/scene.js';

/** A 1920x1080 grey frame with optional noise. */
function frame(opts: { noise?: number; seed?: number } = {}) {
  const width = 1920;
  const height = 1080;
  const data = new Uint8Array(width * height * 3).fill(90);
  let s = opts.seed ?? 1;
  if (opts.noise) for (let i = 0; i < data.length; i++) data[i] = 90 + Math.round((((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5) * 2 * opts.noise);
  return { width, height, data };
}

test('scene signature: one grey mean per block of a 64x36 grid', () => {
  const sig = sceneSignature(frame());
  assert.equal(sig.length, SIGNATURE_COLS * SIGNATURE_ROWS);
  assert.ok(sig.every((v) => Math.abs(v - 90) < 1e-3));
});

test('sameScene: sensor noise is the same scene; a 24 px face of modest contrast anywhere is not', () => {
  const base = sceneSignature(frame({ noise: 6, seed: 1 }));
  assert.ok(sameScene(base, sceneSignature(frame({ noise: 6, seed: 2 })), 8), 'noise of +-6 stays under 8');
  const other = frame({ noise: 6, seed: 2 });
  for (let y = 0; y + 24 <= 1080; y += 97) {
    for (let x = 0; x + 24 <= 1920; x += 131) {
      const data = other.data.slice();
      for (let r = y; r < y + 24; r++) data.fill(150, (r * 1920 + x) * 3, (r * 1920 + x + 24) * 3);
      assert.equal(sameScene(base, sceneSignature({ ...other, data }), 8), false, `face at ${x},${y}`);
    }
  }
  assert.equal(sameScene(base, new Float32Array(3), 8), false, 'signatures of other sizes differ');
});
