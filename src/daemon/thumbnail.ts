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

export async function faceThumbnail(
  frame: { width: number; height: number; data: Uint8Array },
  box: Rect,
  quality: number,
): Promise<Buffer> {
  const rect = thumbnailRect(box, frame.width, frame.height);
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract(rect)
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'fill' })
    .jpeg({ quality })
    .toBuffer();
}
