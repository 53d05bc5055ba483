/** One ffmpeg run over a video file or a live stream: exact frames with their times. */
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CameraConfig } from '../config/schema.js';
import { classifyFailure, truncatedFile, type Failure } from './classify.js';
import { decodeSpec } from './ffmpeg-args.js';
import { probeMedia, startDecoder, type Decoder, type DecoderExit } from './ffmpeg.js';
import { fileStartTime, frameIndexAt, mediaFacts, type MediaFacts, type TimeSource } from './footage-time.js';
import type { FrameBuffers } from './frame-buffers.js';
import { FrameAssembler, parseShowinfo, type RawFrame } from './frame-assembler.js';
import { localPath } from './kind.js';
import type { RunEnd, RunSink, SourceRun } from './source.js';

export interface VideoRunOptions {
  kind: 'file' | 'rtsp' | 'http';
  /** Files: decode from this position (seconds). */
  seekSec?: number;
  /** Live streams: wall-clock ms of the feed's start (frame pos is measured from it). */
  liveEpochMs: number;
  /** The camera's recycled frame buffers (kept across runs); none: a fresh buffer per frame. */
  buffers?: FrameBuffers;
  /** Looping files: which pass this run is, and where the feed's position stood when it began. */
  pass?: { index: number; startSec: number };
}

const missing = (cause: string, retry: boolean): Failure => ({
  code: 'FACEIDX_FEED_INPUT',
  cause,
  fix: 'check the path in the camera url (relative paths are resolved against the config file)',
  retry,
});

/** A file's footage start (creation_time, startTime or mtime) and frame rate; or why it cannot be read. */
async function fileStart(camera: CameraConfig): Promise<FileStart | Failure> {
  const path = localPath(camera.url);
  let mtimeMs: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return missing('not a regular file', false);
    if (st.size === 0) return missing('the file is empty', false);
    mtimeMs = st.mtimeMs;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return missing('no such file', true);
    return missing(code === 'EACCES' ? 'permission denied' : `cannot read the file (${code ?? String(err)})`, true);
  }
  // An unreadable container is reported by the decoder run itself; here it only means no tags.
  const facts = await probeMedia(path).then(mediaFacts, (): MediaFacts => ({}));
  const start = fileStartTime(facts, camera.startTime, mtimeMs);
  return { ms: start.ms, timeSource: start.source, frameRate: facts.frameRate, durationSec: facts.durationSec, path: resolve(path) };
}

interface FileStart {
  ms: number;
  timeSource: TimeSource;
  frameRate: number | undefined;
  durationSec: number | undefined;
  /** Absolute path (stored with each sighting, for export). */
  path: string;
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
  /** Looping files: the length of the pass just read. */
  passSec: number;
}

/** What an ffmpeg exit (not ours) means: a finished file, a truncated one, an ended stream, a failure. */
async function interpretExit(exit: DecoderExit, c: ExitContext): Promise<RunEnd> {
  if (exit.ok && c.kind === 'file') {
    const truncated = truncatedFile(exit.stderr);
    if (truncated) return { kind: 'failed', failure: truncated };
    if (c.frames === 0 && c.seekSec === 0) return { kind: 'failed', failure: missing('no decodable video frames in the file', false) };
    return c.camera.loop ? { kind: 'done', passSec: c.passSec } : { kind: 'done' };
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
    let file: FileStart | undefined;
    if (opts.kind === 'file') {
      const start = await fileStart(camera);
      if ('code' in start) return { kind: 'failed', failure: start };
      file = start;
    }
    if (stopped) return { kind: 'killed' };
    const seekSec = opts.kind === 'file' ? (opts.seekSec ?? 0) : 0;
    const input = opts.kind === 'file' ? localPath(camera.url) : camera.url;
    const buffers = opts.buffers;
    const assembler = new FrameAssembler(buffers ? (size) => buffers.acquire(size) : undefined);
    let count = 0;
    let lastOffset = 0;
    let textInput = false;
    const emit = (frames: RawFrame[]): void => {
      for (const f of frames) {
        const pts = f.ptsTime ?? count / camera.fps;
        count++;
        if (textInput) return;
        const now = Date.now();
        const img = { width: f.width, height: f.height, data: f.data, ...(buffers ? { release: buffers.handBack(f.data) } : {}) };
        if (!file) {
          sink.frame({ ...img, pos: (now - opts.liveEpochMs) / 1000, ts: now, timeSource: 'receive' });
          continue;
        }
        const offset = seekSec + pts;
        const frameIndex = frameIndexAt(offset, file.frameRate);
        const pos = (opts.pass?.startSec ?? 0) + offset;
        lastOffset = offset;
        sink.frame({
          ...img, pos, ts: Math.round(file.ms + pos * 1000), timeSource: file.timeSource, source: file.path,
          ...(frameIndex !== undefined ? { frameIndex } : {}),
          ...(opts.pass ? { sourcePos: offset, loop: opts.pass.index } : {}),
        });
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
    // A pass lasts the video stream's duration (the offset -stream_loop would have added); else up to its last frame.
    const passSec = file?.durationSec ?? lastOffset + 1 / (file?.frameRate ?? camera.fps);
    return interpretExit(exit, { camera, kind: opts.kind, input, frames: count, seekSec, passSec });
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
