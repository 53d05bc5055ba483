/** Image decoding with sharp: any format sharp reads -> packed RGB24, downscaled to maxSide. */
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { FaceidxError } from '../errors.js';
import type { RgbImage } from './preprocess.js';

export interface LoadedImage extends RgbImage {
  originalWidth: number;
  originalHeight: number;
  /** Loaded size / original size (1 unless downscaled). */
  scale: number;
}

export const DEFAULT_MAX_SIDE = 4096;

function bad(path: string, why: string, cause?: unknown): FaceidxError {
  return new FaceidxError('FACEIDX_IMAGE', `${path}: ${why}`, 'give a readable JPEG, PNG, WebP, GIF or TIFF file', { cause });
}

/** Decodes `path` (EXIF rotation applied, alpha dropped); images larger than maxSide are downscaled. */
export async function loadImage(path: string, opts: { maxSide?: number } = {}): Promise<LoadedImage> {
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw bad(path, 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof FaceidxError) throw err;
    throw bad(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, err);
  }
  if (size === 0) throw bad(path, 'empty file');
  try {
    const base = sharp(path, { failOn: 'error', limitInputPixels: 1e9 }).rotate();
    const meta = await base.metadata();
    const rotated = (meta.orientation ?? 1) >= 5;
    const ow = rotated ? meta.height : meta.width;
    const oh = rotated ? meta.width : meta.height;
    if (!ow || !oh) throw bad(path, 'image has no size');
    const scale = Math.min(1, maxSide / Math.max(ow, oh));
    let pipe = base.removeAlpha().toColourspace('srgb');
    if (scale < 1) pipe = pipe.resize(Math.max(1, Math.round(ow * scale)), Math.max(1, Math.round(oh * scale)), { fit: 'fill', kernel: 'lanczos3' });
    const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw bad(path, `unexpected ${info.channels} channels after decoding`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      originalWidth: ow,
      originalHeight: oh,
      scale: info.width / ow,
    };
  } catch (err) {
    if (err instanceof FaceidxError) throw err;
    throw bad(path, `not a readable image (${(err as Error).message})`, err);
  }
}
