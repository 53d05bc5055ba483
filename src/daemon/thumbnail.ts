/** JPEG thumbnails of faces, cut from the frame around the detection box. */
import sharp from 'sharp';
import type { Rect } from '../faces/types.js';

/** A crop region in sharp's terms (top-left corner as left/top). */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const THUMBNAIL_SIZE = 112;

/**
 * A square around the box's centre, 1.5x the box's larger side (some context: hair, chin),
 * moved and shrunk to lie inside the frame. Pure.
 */
export function thumbnailRect(box: Rect, frameWidth: number, frameHeight: number): Region {
  const side = Math.max(1, Math.min(Math.round(Math.max(box.width, box.height) * 1.5), frameWidth, frameHeight));
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const left = Math.min(Math.max(0, Math.round(cx - side / 2)), frameWidth - side);
  const top = Math.min(Math.max(0, Math.round(cy - side / 2)), frameHeight - side);
  return { left, top, width: side, height: side };
}

/**
 * A `size` x `size` RGB24 copy of `rect` of the frame, each pixel the mean of its block of source
 * pixels (block edges at multiples of rect.width / size, rounded down); blocks of 4 px or more
 * average every other row and column of theirs (a quarter of the reads, as smooth). Pure. For
 * shrinking by 2x or more, where a box is as good as any kernel for a thumbnail.
 */
export function areaShrink(frame: { width: number; data: Uint8Array }, rect: Region, size: number): Buffer {
  const out = Buffer.alloc(size * size * 3);
  const { data, width } = frame;
  const edge = (i: number, len: number) => Math.floor((i * len) / size);
  const step = rect.width >= 4 * size ? 2 : 1;
  for (let v = 0; v < size; v++) {
    const y0 = rect.top + edge(v, rect.height);
    const y1 = rect.top + edge(v + 1, rect.height);
    for (let u = 0; u < size; u++) {
      const x0 = rect.left + edge(u, rect.width);
      const x1 = rect.left + edge(u + 1, rect.width);
      let r = 0, g = 0, b = 0;
      let n = 0;
      for (let y = y0; y < y1; y += step) {
        for (let i = (y * width + x0) * 3, end = (y * width + x1) * 3; i < end; i += 3 * step, n++) {
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
      }
      const o = (v * size + u) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return out;
}

/**
 * The face's JPEG thumbnail. A region twice the thumbnail's size or more is shrunk here (block
 * means; sharp's resize of a 500 px region took 3.6 of the 5 ms a thumbnail cost) and sharp only
 * encodes; a smaller one is resized by sharp (lanczos3), which enlarges well.
 */
export async function faceThumbnail(
  frame: { width: number; height: number; data: Uint8Array },
  box: Rect,
  quality: number,
): Promise<Buffer> {
  const rect = thumbnailRect(box, frame.width, frame.height);
  if (rect.width >= 2 * THUMBNAIL_SIZE) {
    const small = areaShrink(frame, rect, THUMBNAIL_SIZE);
    return sharp(small, { raw: { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, channels: 3 } }).jpeg({ quality }).toBuffer();
  }
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract(rect)
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'fill' })
    .jpeg({ quality })
    .toBuffer();
}
