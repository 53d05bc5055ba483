/**
 * Static-scene check (pure): a coarse grey signature of a frame (block means on a 64 x 36 grid,
 * each from a 4 x 4 sample of the block) and a test for "nothing changed" between two of them.
 * A fixed camera looking at an empty scene gives the same frame over and over; detection on the
 * same pixels finds the same (no) faces, so such frames can skip the detector. A block is 30 x 30
 * px of a 1080p frame: a face (20 px or more) or a person entering changes some block's mean by
 * far more than sensor or compression noise does.
 */
export const SIGNATURE_COLS = 64;
export const SIGNATURE_ROWS = 36;

export function sceneSignature(frame: { width: number; height: number; data: Uint8Array }): Float32Array {
  const { width, height, data } = frame;
  const sig = new Float32Array(SIGNATURE_COLS * SIGNATURE_ROWS);
  for (let by = 0; by < SIGNATURE_ROWS; by++) {
    for (let bx = 0; bx < SIGNATURE_COLS; bx++) {
      let sum = 0;
      for (let sy = 0; sy < 4; sy++) {
        const y = Math.min(height - 1, Math.floor(((by * 4 + sy + 0.5) * height) / (SIGNATURE_ROWS * 4)));
        for (let sx = 0; sx < 4; sx++) {
          const x = Math.min(width - 1, Math.floor(((bx * 4 + sx + 0.5) * width) / (SIGNATURE_COLS * 4)));
          const i = (y * width + x) * 3;
          sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
        }
      }
      sig[by * SIGNATURE_COLS + bx] = sum / 16;
    }
  }
  return sig;
}

/** True when no block's grey mean moved by `maxDelta` (0-255) or more. */
export function sameScene(a: Float32Array, b: Float32Array, maxDelta: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) >= maxDelta) return false;
  return true;
}
