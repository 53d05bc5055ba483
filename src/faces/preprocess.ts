/**
 * Pure image resampling and tensor packing. Images are packed RGB24 (`RgbImage`); chips are
 * float RGB, channels-last (`size * size * 3`, values 0..255).
 */

export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB24, row-major. */
  data: Uint8Array;
}

import type { Rect } from './types.js';

export type { Rect } from './types.js';

/** A square canvas laid over the image: canvas pixel (cx, cy) is image pixel (ox + cx, oy + cy). */
export interface Canvas {
  ox: number;
  oy: number;
  side: number;
}

/** Face-api's mean RGB, subtracted before dividing by 255 (landmark and recognition nets). */
export const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/**
 * Resizes a square canvas to `size` with TensorFlow's bilinear rule (no corner alignment,
 * no half-pixel centres: src = dst * side / size), reading zeros outside `content`
 * (integer image rectangle) — i.e. pad-to-square then resize, without building the pad.
 */
export function resampleCanvas(img: RgbImage, canvas: Canvas, content: Rect, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const scale = canvas.side / size;
  const last = canvas.side - 1;
  // Per output column: the two source image columns (-1 when outside the content) and the weight.
  const xl = new Int32Array(size);
  const xr = new Int32Array(size);
  const fxs = new Float32Array(size);
  const inX = (cx: number) => {
    const ix = canvas.ox + cx;
    return ix >= content.x && ix < content.x + content.width ? ix : -1;
  };
  const inY = (cy: number) => {
    const iy = canvas.oy + cy;
    return iy >= content.y && iy < content.y + content.height ? iy : -1;
  };
  for (let dx = 0; dx < size; dx++) {
    const sx = dx * scale;
    const lx = Math.floor(sx);
    xl[dx] = inX(lx);
    xr[dx] = inX(Math.min(lx + 1, last));
    fxs[dx] = sx - lx;
  }
  const { data, width } = img;
  const row = new Float32Array(size * 3 * 2); // interpolated top and bottom rows
  for (let dy = 0; dy < size; dy++) {
    const sy = dy * scale;
    const ty = Math.floor(sy);
    const fy = sy - ty;
    interpolateRow(data, width, inY(ty), xl, xr, fxs, row, 0);
    interpolateRow(data, width, inY(Math.min(ty + 1, last)), xl, xr, fxs, row, size * 3);
    const o = dy * size * 3;
    const off = size * 3;
    for (let i = 0; i < size * 3; i++) out[o + i] = row[i]! + (row[off + i]! - row[i]!) * fy;
  }
  return out;
}

/**
 * One source row `iy` (-1: outside the content, all zeros) resampled horizontally into
 * `row[base..]`: per output column, the mix of source columns xl and xr (-1: outside) by fx.
 */
function interpolateRow(data: Uint8Array, width: number, iy: number, xl: Int32Array, xr: Int32Array, fxs: Float32Array, row: Float32Array, base: number): void {
  const size = xl.length;
  if (iy < 0) {
    row.fill(0, base, base + size * 3);
    return;
  }
  const rowStart = iy * width * 3;
  for (let dx = 0, o = base; dx < size; dx++, o += 3) {
    const l = xl[dx]!;
    const r = xr[dx]!;
    const fx = fxs[dx]!;
    const pl = rowStart + l * 3;
    const pr = rowStart + r * 3;
    for (let c = 0; c < 3; c++) {
      const a = l < 0 ? 0 : data[pl + c]!;
      const b = r < 0 ? 0 : data[pr + c]!;
      row[o + c] = a + (b - a) * fx;
    }
  }
}

/**
 * Letterbox: the whole image at the top-left of a square canvas (face-api's detector input),
 * or centred in a canvas `pad` times its longer side (a second detector pass for faces that
 * fill the frame).
 */
/** Mirrors a square channels-last chip left to right, in place. */
export function mirrorChip(chip: Float32Array, size: number): Float32Array {
  for (let y = 0; y < size; y++) {
    const row = y * size * 3;
    for (let x = 0; x < size >> 1; x++) {
      const a = row + x * 3;
      const b = row + (size - 1 - x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = chip[a + c]!;
        chip[a + c] = chip[b + c]!;
        chip[b + c] = t;
      }
    }
  }
  return chip;
}

export function letterboxCanvas(width: number, height: number, pad = 1): Canvas {
  const longer = Math.max(width, height);
  if (pad <= 1) return { ox: 0, oy: 0, side: longer };
  const side = Math.round(longer * pad);
  return { ox: -Math.floor((side - width) / 2), oy: -Math.floor((side - height) / 2), side };
}

/** face-api's crop: an integer box padded to a square, the extra split with round(diff/2) after it. */
export function centeredCanvas(box: Rect): Canvas {
  const diff = Math.abs(box.width - box.height);
  const before = diff - Math.round(diff / 2);
  if (box.width < box.height) return { ox: box.x - before, oy: box.y, side: box.height };
  return { ox: box.x, oy: box.y - before, side: box.width };
}

/**
 * Samples `size`x`size` chip pixels through an affine map chip -> image
 * (x' = a*x - b*y + tx, y' = b*x + a*y + ty), bilinear, zeros outside the image. When the map
 * shrinks by more than 1.5x, each chip pixel averages a k x k grid to avoid aliasing.
 */
export function warpSimilarity(img: RgbImage, m: Similarity, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const scale = Math.hypot(m.a, m.b);
  const k = scale > 1.5 ? Math.ceil(scale) : 1;
  const { data, width, height } = img;
  // Sub-sample offsets within an output pixel (a k x k box when the chip shrinks the face).
  const offs = Float64Array.from({ length: k }, (_, s) => (k === 1 ? 0 : (s + 0.5) / k - 0.5));
  const pix = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : data[(y * width + x) * 3 + c]!;
  const stride = width * 3;
  const acc = new Float64Array(3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let sy = 0; sy < k; sy++) {
        const cy = y + offs[sy]!;
        for (let sx = 0; sx < k; sx++) {
          const cx = x + offs[sx]!;
          const ix = m.a * cx - m.b * cy + m.tx;
          const iy = m.b * cx + m.a * cy + m.ty;
          const x0 = Math.floor(ix);
          const y0 = Math.floor(iy);
          const fx = ix - x0;
          const fy = iy - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
            // All four neighbours inside the image (nearly every sample): direct reads.
            const i = y0 * stride + x0 * 3;
            for (let c = 0; c < 3; c++) {
              const top = data[i + c]! * (1 - fx) + data[i + 3 + c]! * fx;
              const bot = data[i + stride + c]! * (1 - fx) + data[i + stride + 3 + c]! * fx;
              acc[c]! += top * (1 - fy) + bot * fy;
            }
          } else {
            // At or past the border: pixels outside the image read as 0.
            for (let c = 0; c < 3; c++) {
              const top = pix(x0, y0, c) * (1 - fx) + pix(x0 + 1, y0, c) * fx;
              const bot = pix(x0, y0 + 1, c) * (1 - fx) + pix(x0 + 1, y0 + 1, c) * fx;
              acc[c]! += top * (1 - fy) + bot * fy;
            }
          }
        }
      }
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = acc[c]! / (k * k);
    }
  }
  return out;
}

/** A similarity transform x' = a*x - b*y + tx, y' = b*x + a*y + ty (rotation + uniform scale). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export type Normalisation = 'ssd' | 'mean';

/** Writes a channels-last chip into an NCHW batch at item `index`: ssd: x/127.5-1; mean: (x-mean)/255. */
export function packNchw(chip: Float32Array, size: number, mode: Normalisation, out: Float32Array, index: number): void {
  const plane = size * size;
  const base = index * 3 * plane;
  for (let c = 0; c < 3; c++) {
    const mean = MEAN_RGB[c]!;
    const o = base + c * plane;
    for (let i = 0; i < plane; i++) {
      const v = chip[i * 3 + c]!;
      out[o + i] = mode === 'ssd' ? v / 127.5 - 1 : (v - mean) / 255;
    }
  }
}

/** Variance of the 4-neighbour Laplacian of the grey (Rec. 601) chip: a blur measure. */
export function laplacianVariance(chip: Float32Array, size: number): number {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * chip[i * 3]! + 0.587 * chip[i * 3 + 1]! + 0.114 * chip[i * 3 + 2]!;
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - size]! + grey[i + size]! - 4 * grey[i]!;
      sum += l;
      sq += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sq / n - mean * mean;
}
