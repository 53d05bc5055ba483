/** One ffmpeg run over a video file or a live stream: exact frames with their times. */
import { open, stat } from 'node:fs/promises';
import type { CameraConfig } from '../config/schema.js';
import { classifyFailure, truncatedFile, type Failure } from './classify.js';
import { decodeSpec } from './ffmpeg-args.js';
import { startDecoder, type Decoder, type DecoderExit } from './ffmpeg.js';
import { FrameAssembler, parseShowinfo, type RawFrame } from './frame-assembler.js';
import { localPath } from './kind.js';
import type { RunEnd, RunSink, SourceRun } from './source.js';

export interface VideoRunOptions {
  kind: 'file' | 'rtsp' | 'http';
  /** Files: decode from this position (seconds). */
  seekSec?: number;
  /** Live streams: wall-clock ms of the feed's start (frame pos is measured from it). */
  liveEpochMs: number;
}

const missing = (cause: string, retry: boolean): Failure => ({
  code: 'FACEIDX_FEED_INPUT',
  cause,
  fix: 'check the path in the camera url (relative paths are resolved against the config file)',
  retry,
});

/** A file's start time: the config's startTime, else its modification time; or why it cannot be read. */
async function fileStart(camera: CameraConfig): Promise<number | Failure> {
  try {
    const st = await stat(localPath(camera.url));
    if (!st.isFile()) return missing('not a regular file', false);
    if (st.size === 0) return missing('the file is empty', false);
    return camera.startTime ? Date.parse(camera.startTime) : st.mtimeMs;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return missing('no such file', true);
    return missing(code === 'EACCES' ? 'permission denied' : `cannot read the file (${code ?? String(err)})`, true);
  }
}

/** "moov atom not found" on a file that is no MP4 at all (no ftyp box) means it is not a video. */
async function notMp4(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    return head.toString('latin1', 4, 8) !== 'ftyp';
  } finally {
    await fh.close();
  }
}

const NOT_VIDEO: Failure = { code: 'FACEIDX_FEED_INPUT', cause: 'not a video ffmpeg can read (invalid data)', fix: 'point the camera at a video file (mp4, mkv, avi, gif...)', retry: false };

interface ExitContext {
  camera: CameraConfig;
  kind: VideoRunOptions['kind'];
  input: string;
  frames: number;
  seekSec: number;
}

/** What an ffmpeg exit (not ours) means: a finished file, a truncated one, an ended stream, a failure. */
async function interpretExit(exit: DecoderExit, c: ExitContext): Promise<RunEnd> {
  if (exit.ok && c.kind === 'file') {
    const truncated = truncatedFile(exit.stderr);
    if (truncated) return { kind: 'failed', failure: truncated };
    if (!c.camera.loop) {
      if (c.frames === 0 && c.seekSec === 0) return { kind: 'failed', failure: missing('no decodable video frames in the file', false) };
      return { kind: 'done' };
    }
  }
  if (exit.ok) {
    return { kind: 'failed', failure: { code: 'FACEIDX_FEED_UNREACHABLE', cause: 'the stream ended', fix: 'check the camera or server', retry: true } };
  }
  const failure = classifyFailure(c.kind, exit.stderr, exit.exit);
  if (c.kind === 'file' && failure.cause.includes('moov') && (await notMp4(c.input))) return { kind: 'failed', failure: NOT_VIDEO };
  return { kind: 'failed', failure };
}

export function startVideoRun(camera: CameraConfig, opts: VideoRunOptions, sink: RunSink): SourceRun {
  let decoder: Decoder | undefined;
  let stopped = false;
  let paused = false;
  const ended = (async (): Promise<RunEnd> => {
    let startMs = 0;
    if (opts.kind === 'file') {
      const start = await fileStart(camera);
      if (typeof start !== 'number') return { kind: 'failed', failure: start };
      startMs = start;
    }
    if (stopped) return { kind: 'killed' };
    const seekSec = opts.kind === 'file' ? (opts.seekSec ?? 0) : 0;
    const input = opts.kind === 'file' ? localPath(camera.url) : camera.url;
    const assembler = new FrameAssembler();
    let count = 0;
    let textInput = false;
    const emit = (frames: RawFrame[]): void => {
      for (const f of frames) {
        const pts = f.ptsTime ?? count / camera.fps;
        count++;
        if (textInput) return;
        const live = opts.kind !== 'file';
        const now = Date.now();
        const pos = live ? (now - opts.liveEpochMs) / 1000 : seekSec + pts;
        sink.frame({ width: f.width, height: f.height, data: f.data, pos, ts: live ? now : Math.round(startMs + pos * 1000) });
      }
    };
    const dec = startDecoder(decodeSpec(camera, input, { kind: opts.kind, seekSec }), {
      onData: (chunk) => emit(assembler.pushData(chunk)),
      onStderr: (line) => {
        // ffmpeg renders any text file as ANSI art (the tty demuxer): not a camera
        if (/^Input #0, tty,/.test(line)) {
          textInput = true;
          decoder?.kill();
        }
        const info = parseShowinfo(line);
        if (info) emit(assembler.pushInfo(info));
      },
    });
    decoder = dec;
    if (paused) dec.pause();
    const exit = await dec.exited;
    if (textInput && !stopped) return { kind: 'failed', failure: { ...NOT_VIDEO, cause: 'not a video: a text file' } };
    if (exit.killed || stopped) return { kind: 'killed' };
    return interpretExit(exit, { camera, kind: opts.kind, input, frames: count, seekSec });
  })();
  return {
    pause: () => {
      paused = true;
      decoder?.pause();
    },
    resume: () => {
      paused = false;
      decoder?.resume();
    },
    stop: async () => {
      stopped = true;
      decoder?.kill();
      await ended;
    },
    ended,
  };
}
