/**
 * Pure YuNet pre- and post-processing (the onnxruntime session lives in detectors.ts).
 *
 * Contract (models/yunet/README.md, libfacedetection.train's onnx/ export):
 * - input `[1,3,H,W]` float32, BGR, 0-255, no mean or scale; H and W multiples of 32, the frame
 *   (scaled by `inputScale`) at the top-left and zeros on the right and bottom;
 * - outputs per stride s in 8, 16, 32, one row per grid cell (row-major, H/s x W/s cells):
 *   `cls_s` [N], `obj_s` [N], `bbox_s` [N,4], `kps_s` [N,10]; score = sqrt(clamp(cls) x
 *   clamp(obj)); box centre ((col + b0) s, (row + b1) s), size (exp(b2) s, exp(b3) s);
 *   landmark k ((col + k[2k]) s, (row + k[2k+1]) s) in the order image-left eye, image-right eye,
 *   nose tip, image-left mouth corner, image-right mouth corner.
 */
import type { Point } from './align.js';
import type { Rect, RgbImage } from './preprocess.js';

export const YUNET_STRIDES = [8, 16, 32] as const;

/** A face from YuNet in image pixels: box, score and the five points. */
export interface YunetFace {
  box: Rect;
  score: number;
  points5: Point[];
}

export interface YunetInput {
  /** Input tensor width and height (multiples of 32). */
  width: number;
  height: number;
  /** Frame pixels -> input pixels. */
  scale: number;
}

/**
 * The input geometry for a `width` x `height` frame: frames wider than `maxWidth` (0: never)
 * are scaled down to it, then padded right/bottom to multiples of 32.
 */
export function yunetInput(width: number, height: number, maxWidth: number): YunetInput {
  const scale = maxWidth > 0 && width > maxWidth ? maxWidth / width : 1;
  const pad = (v: number) => Math.max(32, Math.ceil(Math.round(v * scale) / 32) * 32);
  return { width: pad(width), height: pad(height), scale };
}

/**
 * Packs the frame into the NCHW BGR input (bilinear with half-pixel centres, so a 2x reduction
 * averages pixel pairs), zeros in the padding. `out` must hold 3 x input.width x input.height.
 */
export function packYunet(img: RgbImage, input: YunetInput, out: Float32Array): Float32Array {
  const { width: W, height: H, scale } = input;
  const scaledWidth = Math.round(img.width * scale);
  const sw = Math.min(W, scaledWidth);
  const sh = Math.min(H, Math.round(img.height * scale));
  out.fill(0);
  const plane = W * H;
  // Source pixels per input pixel, as the ratio of the two widths: exact for whole factors
  // (1920 -> 640: 3), so their samples fall on pixel centres and need no interpolation.
  const inv = img.width / scaledWidth;
  const at = (d: number, size: number) => Math.min(Math.max((d + 0.5) * inv - 0.5, 0), size - 1);
  // Per output column: byte offsets of the two source pixels in a row, and the weight.
  const x0 = new Int32Array(sw);
  const x1 = new Int32Array(sw);
  const fx = new Float32Array(sw);
  for (let dx = 0; dx < sw; dx++) {
    const sx = at(dx, img.width);
    const l = Math.floor(sx);
    x0[dx] = l * 3;
    x1[dx] = Math.min(l + 1, img.width - 1) * 3;
    fx[dx] = sx - l;
  }
  const onCentres = fx.every((w) => w === 0);
  const d = img.data;
  for (let dy = 0; dy < sh; dy++) {
    const sy = at(dy, img.height);
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    const r0 = y0 * img.width * 3;
    // RGB -> BGR planes: red goes to plane 2, blue to plane 0.
    let oB = dy * W, oG = oB + plane, oR = oG + plane;
    if (onCentres && fy === 0) {
      for (let dx = 0; dx < sw; dx++, oB++, oG++, oR++) {
        const a = r0 + x0[dx]!;
        out[oR] = d[a]!;
        out[oG] = d[a + 1]!;
        out[oB] = d[a + 2]!;
      }
      continue;
    }
    const r1 = Math.min(y0 + 1, img.height - 1) * img.width * 3;
    for (let dx = 0; dx < sw; dx++, oB++, oG++, oR++) {
      const a = r0 + x0[dx]!, b = r0 + x1[dx]!, c = r1 + x0[dx]!, e = r1 + x1[dx]!;
      const wx = fx[dx]!;
      let top = d[a]! + (d[b]! - d[a]!) * wx;
      let bot = d[c]! + (d[e]! - d[c]!) * wx;
      out[oR] = top + (bot - top) * fy;
      top = d[a + 1]! + (d[b + 1]! - d[a + 1]!) * wx;
      bot = d[c + 1]! + (d[e + 1]! - d[c + 1]!) * wx;
      out[oG] = top + (bot - top) * fy;
      top = d[a + 2]! + (d[b + 2]! - d[a + 2]!) * wx;
      bot = d[c + 2]! + (d[e + 2]! - d[c + 2]!) * wx;
      out[oB] = top + (bot - top) * fy;
    }
  }
  return out;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Decodes the raw outputs (keyed `cls_8`, `obj_8`, `bbox_8`, `kps_8`, ...) of one input into
 * faces with score >= minScore, in frame pixels (divided by `input.scale`), before NMS.
 */
export function decodeYunet(out: Record<string, Float32Array>, input: YunetInput, minScore: number): YunetFace[] {
  const faces: YunetFace[] = [];
  const k = 1 / input.scale;
  for (const s of YUNET_STRIDES) {
    const cols = input.width / s;
    const rows = input.height / s;
    const cls = out[`cls_${s}`]!, obj = out[`obj_${s}`]!, bbox = out[`bbox_${s}`]!, kps = out[`kps_${s}`]!;
    for (let i = 0; i < rows * cols; i++) {
      const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
      if (!(score >= minScore)) continue;
      const col = i % cols;
      const row = (i - col) / cols;
      const cx = (col + bbox[i * 4]!) * s;
      const cy = (row + bbox[i * 4 + 1]!) * s;
      const w = Math.exp(bbox[i * 4 + 2]!) * s;
      const h = Math.exp(bbox[i * 4 + 3]!) * s;
      const points5: Point[] = [];
      for (let p = 0; p < 5; p++) points5.push([(col + kps[i * 10 + 2 * p]!) * s * k, (row + kps[i * 10 + 2 * p + 1]!) * s * k]);
      faces.push({ box: { x: (cx - w / 2) * k, y: (cy - h / 2) * k, width: w * k, height: h * k }, score, points5 });
    }
  }
  return faces;
}

/** Clips a box to the frame (landmarks are left as they are). */
export function clipToFrame(box: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, box.x), y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width), y1 = Math.min(height, box.y + box.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** A region of the frame for a YuNet pass at its own scale (the small-face pass). */
export interface YunetRegion {
  /** Frame pixels, whole numbers inside the frame. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Frame pixels -> input pixels (1: full resolution; 2: upscaled twice). */
  scale: number;
}

/**
 * Packs a region of the frame at `region.scale` into a NCHW BGR input (bilinear, half-pixel
 * centres, zeros in the padding) sized to multiples of 32.
 * Faces decoded from it (decodeYunet with `input.scale = region.scale`) are in region pixels:
 * add the region's x and y (offsetFaces).
 */
export function packYunetRegion(img: RgbImage, region: YunetRegion): { input: YunetInput; tensor: Float32Array } {
  const sw = Math.max(1, Math.round(region.width * region.scale));
  const sh = Math.max(1, Math.round(region.height * region.scale));
  const input: YunetInput = { width: Math.ceil(sw / 32) * 32, height: Math.ceil(sh / 32) * 32, scale: region.scale };
  const tensor = new Float32Array(3 * input.width * input.height);
  const plane = input.width * input.height;
  const inv = 1 / region.scale;
  const d = img.data;
  const clampX = (v: number) => Math.min(Math.max(v, 0), img.width - 1);
  const clampY = (v: number) => Math.min(Math.max(v, 0), img.height - 1);
  for (let dy = 0; dy < sh; dy++) {
    const sy = clampY(region.y + (dy + 0.5) * inv - 0.5);
    const y0 = Math.floor(sy), fy = sy - y0, y1 = Math.min(y0 + 1, img.height - 1);
    for (let dx = 0; dx < sw; dx++) {
      const sx = clampX(region.x + (dx + 0.5) * inv - 0.5);
      const x0 = Math.floor(sx), fx = sx - x0, x1 = Math.min(x0 + 1, img.width - 1);
      const a = (y0 * img.width + x0) * 3, b = (y0 * img.width + x1) * 3, c = (y1 * img.width + x0) * 3, e = (y1 * img.width + x1) * 3;
      const o = dy * input.width + dx;
      for (let ch = 0; ch < 3; ch++) {
        const top = d[a + ch]! + (d[b + ch]! - d[a + ch]!) * fx;
        const bot = d[c + ch]! + (d[e + ch]! - d[c + ch]!) * fx;
        // RGB -> BGR planes.
        tensor[(2 - ch) * plane + o] = top + (bot - top) * fy;
      }
    }
  }
  return { input, tensor };
}

/** Faces decoded in region pixels -> frame pixels. */
export function offsetFaces(faces: YunetFace[], dx: number, dy: number): YunetFace[] {
  return faces.map((f) => ({
    score: f.score,
    box: { ...f.box, x: f.box.x + dx, y: f.box.y + dy },
    points5: f.points5.map(([x, y]) => [x + dx, y + dy] as Point),
  }));
}

/**
 * Tiles covering a `width` x `height` frame for a pass at `scale`: as few columns and rows as
 * keep each tile at most `tile` input pixels on a side, neighbours overlapping by `overlap`
 * frame pixels so a face on a seam lies whole in one of them. Whole pixels inside the frame. Pure.
 */
export function tileRegions(width: number, height: number, scale: number, tile: number, overlap: number): YunetRegion[] {
  const span = tile / scale;
  const cuts = (size: number) => {
    const n = Math.max(1, Math.ceil((size - overlap) / Math.max(1, span - overlap)));
    const len = Math.min(size, Math.ceil((size + (n - 1) * overlap) / n));
    return Array.from({ length: n }, (_, i) => ({ at: n === 1 ? 0 : Math.round((i * (size - len)) / (n - 1)), len }));
  };
  const regions: YunetRegion[] = [];
  for (const r of cuts(height)) for (const c of cuts(width)) regions.push({ x: c.at, y: r.at, width: c.len, height: r.len, scale });
  return regions;
}
