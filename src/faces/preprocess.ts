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
 * (x' = a*x - b*y + tx, y' = b*x + a*y + ty), bilinear, zeros outside the image. To avoid
 * aliasing when the map shrinks the face:
 * - by 2x or more, the part of the image under the chip is first box-averaged by the whole
 *   factor f = floor(scale) (one level of a box pyramid on a grid aligned to multiples of f, as
 *   dlib's extract_image_chip samples a pyramid level), then sampled at the remaining scale;
 * - by more than 1.5x (what remains after that, or the map itself), each chip pixel averages a
 *   k x k grid of samples, k = ceil(scale).
 * The pyramid level costs one read of each pixel under the chip where k x k sampling costs
 * k^2 bilinear reads per chip pixel: a 330 px face in a 1080p frame, 4x4 = 16, 10 ms a chip.
 */
export function warpSimilarity(img: RgbImage, m: Similarity, size: number): Float32Array {
  const f = Math.floor(Math.hypot(m.a, m.b));
  if (f < 2) return sampleWarp(img, m, size);
  const region = chipFootprint(m, size, img.width, img.height, f);
  if (!region) return sampleWarp(img, m, size); // wholly outside the image: zeros
  const small = boxShrink(img, region, f);
  // Pyramid pixel u covers image pixels region.x + u*f .. + f - 1: its centre is (f - 1) / 2 in.
  const c = (f - 1) / 2;
  return sampleWarp(small, { a: m.a / f, b: m.b / f, tx: (m.tx - region.x - c) / f, ty: (m.ty - region.y - c) / f }, size);
}

/**
 * The image rectangle under a chip (its corners mapped, with a margin of 2f pixels), clipped to
 * the image, its left and top moved down to multiples of f; undefined when nothing is left.
 */
export function chipFootprint(m: Similarity, size: number, width: number, height: number, f: number): Rect | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [cx, cy] of [[-1, -1], [size, -1], [-1, size], [size, size]] as const) {
    xs.push(m.a * cx - m.b * cy + m.tx);
    ys.push(m.b * cx + m.a * cy + m.ty);
  }
  const margin = 2 * f;
  const x0 = Math.max(0, Math.floor(Math.min(...xs)) - margin);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)) - margin);
  const x1 = Math.min(width, Math.ceil(Math.max(...xs)) + margin + 1);
  const y1 = Math.min(height, Math.ceil(Math.max(...ys)) + margin + 1);
  const x = x0 - (x0 % f);
  const y = y0 - (y0 % f);
  if (x1 <= x || y1 <= y) return undefined;
  return { x, y, width: x1 - x, height: y1 - y };
}

/**
 * Means of f x f blocks of `region` (block (u, v) starts at region.x + u*f, region.y + v*f),
 * rounded to bytes; pixels past the region's right or bottom edge count as 0.
 */
export function boxShrink(img: RgbImage, region: Rect, f: number): RgbImage {
  const w = Math.ceil(region.width / f);
  const h = Math.ceil(region.height / f);
  const acc = new Float64Array(w * 3);
  const out = new Uint8Array(w * h * 3);
  const n = f * f;
  const d = img.data;
  for (let v = 0; v < h; v++) {
    acc.fill(0);
    const yEnd = Math.min(region.y + region.height, region.y + (v + 1) * f);
    for (let y = region.y + v * f; y < yEnd; y++) {
      let i = (y * img.width + region.x) * 3;
      for (let u = 0, x = 0; u < w; u++) {
        const xEnd = Math.min(region.width, x + f);
        let r = 0, g = 0, b = 0;
        for (; x < xEnd; x++, i += 3) {
          r += d[i]!;
          g += d[i + 1]!;
          b += d[i + 2]!;
        }
        acc[u * 3] = acc[u * 3]! + r;
        acc[u * 3 + 1] = acc[u * 3 + 1]! + g;
        acc[u * 3 + 2] = acc[u * 3 + 2]! + b;
      }
    }
    const o = v * w * 3;
    for (let i = 0; i < w * 3; i++) out[o + i] = Math.round(acc[i]! / n);
  }
  return { width: w, height: h, data: out };
}

function sampleWarp(img: RgbImage, m: Similarity, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const scale = Math.hypot(m.a, m.b);
  const k = scale > 1.5 ? Math.ceil(scale) : 1;
  const { data, width, height } = img;
  // Sub-sample offsets within an output pixel (a k x k box when the chip shrinks the face).
  const offs = Float64Array.from({ length: k }, (_, s) => (k === 1 ? 0 : (s + 0.5) / k - 0.5));
  const pix = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : data[(y * width + x) * 3 + c]!;
  const stride = width * 3;
  const n = k * k;
  for (let y = 0, o = 0; y < size; y++) {
    for (let x = 0; x < size; x++, o += 3) {
      let r = 0, g = 0, b = 0;
      for (let sy = 0; sy < k; sy++) {
        const cy = y + offs[sy]!;
        for (let sx = 0; sx < k; sx++) {
          const cx = x + offs[sx]!;
          const ix = m.a * cx - m.b * cy + m.tx;
          const iy = m.b * cx + m.a * cy + m.ty;
          const x0 = Math.floor(ix);
          const y0 = Math.floor(iy);
          const fx = ix - x0, gx = 1 - fx;
          const fy = iy - y0, gy = 1 - fy;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
            // All four neighbours inside the image (nearly every sample): direct reads.
            const i = y0 * stride + x0 * 3, j = i + stride;
            r += (data[i]! * gx + data[i + 3]! * fx) * gy + (data[j]! * gx + data[j + 3]! * fx) * fy;
            g += (data[i + 1]! * gx + data[i + 4]! * fx) * gy + (data[j + 1]! * gx + data[j + 4]! * fx) * fy;
            b += (data[i + 2]! * gx + data[i + 5]! * fx) * gy + (data[j + 2]! * gx + data[j + 5]! * fx) * fy;
          } else {
            // At or past the border: pixels outside the image read as 0.
            r += (pix(x0, y0, 0) * gx + pix(x0 + 1, y0, 0) * fx) * gy + (pix(x0, y0 + 1, 0) * gx + pix(x0 + 1, y0 + 1, 0) * fx) * fy;
            g += (pix(x0, y0, 1) * gx + pix(x0 + 1, y0, 1) * fx) * gy + (pix(x0, y0 + 1, 1) * gx + pix(x0 + 1, y0 + 1, 1) * fx) * fy;
            b += (pix(x0, y0, 2) * gx + pix(x0 + 1, y0, 2) * fx) * gy + (pix(x0, y0 + 1, 2) * gx + pix(x0 + 1, y0 + 1, 2) * fx) * fy;
          }
        }
      }
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
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
