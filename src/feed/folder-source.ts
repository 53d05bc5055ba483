/**
 * One run over a folder of images, read in natural name order and decoded with sharp (EXIF
 * orientation applied, scaled to maxWidth). Each frame carries its own size, the image's
 * mtime and path. With `watch`, the folder is polled for new images.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { CameraConfig } from '../config/schema.js';
import type { Failure } from './classify.js';
import { targetSize } from './ffmpeg-args.js';
import { localPath } from './kind.js';
import type { RunEnd, RunSink, SourceFrame, SourceRun } from './source.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif'];
const POLL_MS = 1000;
/** Images modified more recently than this may still be being written: left for the next poll. */
const SETTLE_MS = 500;

export interface FolderRunOptions {
  /** Skip images whose index is <= this. */
  resumeAfter?: number;
  /** Warn about an image that could not be decoded (it is skipped). */
  onSkip?: (path: string, reason: string) => void;
}

const inputFailure = (cause: string, fix: string, retry: boolean): Failure => ({ code: 'FACEIDX_FEED_INPUT', cause, fix, retry });

/** Pure: image names of a listing, in natural order ("img2" before "img10"). */
export function imageNames(names: string[]): string[] {
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return names
    .filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext)))
    .sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

export async function decodeImage(path: string, maxWidth?: number): Promise<Omit<SourceFrame, 'pos'>> {
  const st = await stat(path);
  const meta = await sharp(path).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const w = (swap ? meta.height : meta.width) ?? 0;
  const h = (swap ? meta.width : meta.height) ?? 0;
  const size = targetSize(w, h, maxWidth);
  const { data, info } = await sharp(path, { failOn: 'error' })
    .rotate()
    .resize(size.width, size.height, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, data, ts: Math.round(st.mtimeMs), source: resolve(path), timeSource: 'mtime', still: true };
}

async function listFolder(dir: string): Promise<string[] | Failure> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) return inputFailure('not a folder', 'point the camera at a folder of images', false);
    return imageNames(await readdir(dir));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return inputFailure('no such folder', 'check the path in the camera url', true);
    return inputFailure(`cannot read the folder (${code ?? String(err)})`, 'let the faceidx user read the folder', true);
  }
}

export function startFolderRun(camera: CameraConfig, opts: FolderRunOptions, sink: RunSink): SourceRun {
  const dir = localPath(camera.url);
  let stopped = false;
  let wake: (() => void) | undefined;
  let paused = false;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => done(), ms);
      const done = (): void => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
      wake = done;
    });
  const ended = (async (): Promise<RunEnd> => {
    const seen = new Set<string>();
    let index = -1;
    let delivered = 0;
    for (;;) {
      const listing = await listFolder(dir);
      if (stopped) return { kind: 'killed' };
      if (!Array.isArray(listing)) return { kind: 'failed', failure: listing };
      const now = Date.now();
      for (const name of listing) {
        if (seen.has(name)) continue;
        const path = join(dir, name);
        if (camera.watch && now - (await stat(path).then((s) => s.mtimeMs, () => now)) < SETTLE_MS) break;
        seen.add(name);
        index++;
        if (opts.resumeAfter !== undefined && index <= opts.resumeAfter) continue;
        while (paused && !stopped) await sleep(POLL_MS);
        if (stopped) return { kind: 'killed' };
        try {
          sink.frame({ ...(await decodeImage(path, camera.maxWidth)), pos: index });
          delivered++;
        } catch (err) {
          opts.onSkip?.(path, (err as Error).message);
        }
        if (stopped) return { kind: 'killed' };
      }
      if (!camera.watch) break;
      await sleep(POLL_MS);
      if (stopped) return { kind: 'killed' };
    }
    if (seen.size === 0) {
      return { kind: 'failed', failure: inputFailure(`no images (${IMAGE_EXTENSIONS.join(' ')}) in the folder`, 'put images in the folder, or set watch: true to wait for them', false) };
    }
    if (delivered === 0 && opts.resumeAfter === undefined) {
      return { kind: 'failed', failure: inputFailure('none of the images in the folder could be decoded', 'check the images are valid', false) };
    }
    return { kind: 'done' };
  })();
  return {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      wake?.();
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await ended;
    },
    ended,
  };
}
