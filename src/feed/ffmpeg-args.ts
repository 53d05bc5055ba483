/**
 * Pure: a camera's configuration -> ffmpeg input and output options. The filter chain keeps
 * frames without duplicating any (`select`, the first frame of each 1/fps slot, so keyframe
 * mode never repeats a keyframe), scales down to `maxWidth` (even sizes), converts to rgb24 and
 * ends with `showinfo`, whose per-frame line (pts_time, size) lets the reader cut the raw pipe
 * into exact frames and time them.
 */
import type { CameraConfig } from '../config/schema.js';
import type { FeedKind } from './types.js';

export interface DecodeSpec {
  input: string;
  inputOptions: string[];
  outputOptions: string[];
}

export interface DecodeOptions {
  kind: Exclude<FeedKind, 'folder'>;
  /** Files: start decoding at this position (seconds), via input `-ss`. */
  seekSec?: number;
}

type DecodeCamera = Pick<CameraConfig, 'url' | 'fps' | 'decode' | 'maxWidth' | 'hwaccel' | 'loop' | 'rtspTransport' | 'stallTimeout'>;

/** Socket timeout for network inputs: the stall timeout, at most 10 s, at least 2 s. */
export function networkTimeoutUs(stallTimeoutMs: number): number {
  return Math.round(Math.min(10_000, Math.max(2_000, stallTimeoutMs)) * 1000);
}

/** A number as ffmpeg expression text, without exponent notation. */
function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, '');
}

/** Keeps the first frame of each 1/fps slot of the stream's time. */
export function selectFilter(fps: number): string {
  const f = num(fps);
  return `select='if(isnan(prev_selected_t),1,gt(floor(t*${f}),floor(prev_selected_t*${f})))'`;
}

/** Scales frames wider than maxWidth down to an even width, keeping the aspect (even height). */
export function scaleFilter(maxWidth: number): string {
  const w = Math.max(2, maxWidth - (maxWidth % 2));
  return `scale=w='if(gt(iw,${w}),${w},iw)':h='if(gt(iw,${w}),-2,ih)'`;
}

export function filterChain(camera: Pick<CameraConfig, 'fps' | 'maxWidth'>): string {
  const parts = [selectFilter(camera.fps)];
  if (camera.maxWidth !== undefined) parts.push(scaleFilter(camera.maxWidth));
  parts.push('format=rgb24', 'showinfo');
  return parts.join(',');
}

export function inputOptions(camera: DecodeCamera, opts: DecodeOptions): string[] {
  const out = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  if (camera.hwaccel) out.push('-hwaccel', camera.hwaccel);
  if (camera.decode === 'keyframes') out.push('-skip_frame', 'nokey');
  const timeoutUs = String(networkTimeoutUs(camera.stallTimeout));
  switch (opts.kind) {
    case 'rtsp':
      out.push('-rtsp_transport', camera.rtspTransport, '-timeout', timeoutUs);
      break;
    case 'http':
      out.push('-rw_timeout', timeoutUs);
      break;
    case 'file':
      if (camera.loop) out.push('-stream_loop', '-1');
      if (opts.seekSec !== undefined && opts.seekSec > 0) out.push('-ss', num(opts.seekSec));
      break;
  }
  return out;
}

export function outputOptions(camera: Pick<CameraConfig, 'fps' | 'maxWidth'>): string[] {
  return ['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filterChain(camera), '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo'];
}

export function decodeSpec(camera: DecodeCamera, input: string, opts: DecodeOptions): DecodeSpec {
  return { input, inputOptions: inputOptions(camera, opts), outputOptions: outputOptions(camera) };
}

/** Output size for an image of w x h under maxWidth, as the video scale filter computes it. */
export function targetSize(w: number, h: number, maxWidth?: number): { width: number; height: number } {
  if (maxWidth === undefined) return { width: w, height: h };
  const mw = Math.max(2, maxWidth - (maxWidth % 2));
  if (w <= mw) return { width: w, height: h };
  const height = Math.max(2, Math.round((h * mw) / w / 2) * 2);
  return { width: mw, height };
}

/**
 * Where to seek a file to resume after `resumeAfter` seconds: the start of its 1/fps slot, so
 * the frames kept after the seek are the ones a run from the start would have kept.
 */
export function seekFor(resumeAfter: number, fps: number): number {
  if (!(resumeAfter > 0)) return 0;
  return Math.floor(resumeAfter * fps + 1e-9) / fps;
}
