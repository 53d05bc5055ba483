/**
 * Pure: a camera's configuration -> ffmpeg input and output options. The filter chain keeps
 * frames without duplicating any (`select`, the first frame of each 1/fps slot, so keyframe
 * mode never repeats a keyframe), scales down to `maxWidth` (even sizes), converts to rgb24 and
 * ends with `showinfo`, whose per-frame line (pts_time, size) lets the reader cut the raw pipe
 * into exact frames and time them.
 */
import type { CameraConfig } from '../config/schema.js';
import { redactUrl } from '../redact.js';
import type { FeedKind } from './types.js';

export interface DecodeSpec {
  /** What follows -i: a path or URL, or `pipe:0` when the input comes as `stdin`. */
  input: string;
  inputOptions: string[];
  outputOptions: string[];
  /**
   * A list for ffmpeg's concat demuxer, written to its stdin: the URL of a camera with
   * credentials, which must not appear on ffmpeg's command line (/proc/<pid>/cmdline is
   * readable by every local user; stdin is not).
   */
  stdin?: string;
}

export interface DecodeOptions {
  kind: Exclude<FeedKind, 'folder'>;
  /** Files: start decoding at this position (seconds), via input `-ss`. */
  seekSec?: number;
}

type DecodeCamera = Pick<CameraConfig, 'url' | 'fps' | 'decode' | 'maxWidth' | 'hwaccel' | 'rtspTransport' | 'stallTimeout'>;

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

/** The options of a network input's protocol: the RTSP transport and socket timeouts. */
export function protocolOptions(camera: DecodeCamera, kind: DecodeOptions['kind']): Array<[string, string]> {
  const timeoutUs = String(networkTimeoutUs(camera.stallTimeout));
  if (kind === 'rtsp') return [['rtsp_transport', camera.rtspTransport], ['timeout', timeoutUs]];
  if (kind === 'http') return [['rw_timeout', timeoutUs]];
  return [];
}

/** ffmpeg's input options; `withProtocol: false` leaves the protocol's own out (they go into the concat list). */
export function inputOptions(camera: DecodeCamera, opts: DecodeOptions, withProtocol = true): string[] {
  const out = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  if (camera.hwaccel) out.push('-hwaccel', camera.hwaccel);
  if (camera.decode === 'keyframes') out.push('-skip_frame', 'nokey');
  if (withProtocol) for (const [key, value] of protocolOptions(camera, opts.kind)) out.push(`-${key}`, value);
  // A looping file is read pass after pass by the feed (camera-feed.ts), not with -stream_loop,
  // whose timestamps run on past the file's end: each pass's frames keep their offset in the file.
  if (opts.kind === 'file' && opts.seekSec !== undefined && opts.seekSec > 0) out.push('-ss', num(opts.seekSec));
  return out;
}

export function outputOptions(camera: Pick<CameraConfig, 'fps' | 'maxWidth'>): string[] {
  return ['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filterChain(camera), '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo'];
}

/** Protocols ffmpeg may open for a network camera read through the concat list (no `file`). */
export const NETWORK_PROTOCOLS = 'pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls,http,https,httpproxy,crypto';

/** A value as a quoted token of an ffconcat file (single quotes; a quote as '\''; control characters percent-encoded). */
function concatQuote(value: string): string {
  return `'${value.replace(/[\x00-\x1f\x7f]/g, (c) => encodeURIComponent(c)).replace(/'/g, "'\\''")}'`;
}

/**
 * A network input with credentials (user info, or a secret parameter such as ?pwd=): the URL
 * and its protocol options go into an ffconcat list on stdin; the command line names only
 * `pipe:0`. ffmpeg opens the URL itself, so RTSP and HTTP (basic and digest auth) work as before.
 */
function concatSpec(camera: DecodeCamera, url: string, opts: DecodeOptions): DecodeSpec {
  const lines = ['ffconcat version 1.0', `file ${concatQuote(url)}`];
  for (const [key, value] of protocolOptions(camera, opts.kind)) lines.push(`option ${key} ${concatQuote(value)}`);
  return {
    input: 'pipe:0',
    inputOptions: [...inputOptions(camera, opts, false), '-f', 'concat', '-safe', '0', '-protocol_whitelist', NETWORK_PROTOCOLS],
    outputOptions: outputOptions(camera),
    stdin: `${lines.join('\n')}\n`,
  };
}

export function decodeSpec(camera: DecodeCamera, input: string, opts: DecodeOptions): DecodeSpec {
  if (opts.kind !== 'file' && redactUrl(input) !== input) return concatSpec(camera, input, opts);
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
