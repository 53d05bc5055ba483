/** Shapes shared by the feed stage and its consumers (the daemon, `faceidx status`, `faceidx probe`). */
import type { ErrorCode } from '../errors.js';
import type { TimeSource } from './footage-time.js';

export type FeedKind = 'file' | 'folder' | 'rtsp' | 'http';

/** One sampled frame, packed RGB24 (`data.length === width * height * 3`). */
export interface Frame {
  cameraId: string;
  /** 0, 1, 2... per feed, across ffmpeg restarts. */
  seq: number;
  /** Which decoding run delivered the frame: unique in the process, new at every (re)start of ffmpeg or the folder reader. */
  run?: number;
  width: number;
  height: number;
  data: Buffer;
  /** ms since the epoch: wall clock for live streams; footage start + offset for files; mtime for images. */
  ts: number;
  /** Seconds since the feed's start (files, streams); the image index for folders. */
  pos: number;
  /** A still image (folder feeds): its faces never continue a track of another image. */
  still?: boolean;
  /** The video file (files) or image file (folders), absolute where the camera url is; none for live streams. */
  source?: string;
  /** Files: the frame's index in the source (offset x the stream's frame rate). */
  frameIndex?: number;
  /**
   * Looping files (`loop: true`): the frame's offset within the file, and which pass over the
   * file it came from (0, 1, 2...); `pos` keeps counting across passes. Absent otherwise (`pos`
   * is then the offset).
   */
  sourcePos?: number;
  loop?: number;
  /** Which clock `ts` comes from (see footage-time.ts). */
  timeSource?: TimeSource;
  /**
   * Gives `data` back to the feed for a later frame (video feeds; frame-buffers.ts). Call it
   * once nothing reads `data` any more; calling it again does nothing, never calling it is safe.
   */
  release?: () => void;
}

/**
 * starting: ffmpeg (or the folder reader) is opening the input; running: frames arrive;
 * backoff: a run ended or stalled and a restart is scheduled; error: the input failed (a
 * restart may still be scheduled, see `retryAt`); done: a file or folder was read to its end;
 * stopped: stop() was called.
 */
export type FeedState = 'starting' | 'running' | 'backoff' | 'error' | 'done' | 'stopped';

export interface FeedStatus {
  cameraId: string;
  /** The URL with its password replaced by ***. */
  url: string;
  kind: FeedKind;
  state: FeedState;
  /** Frames received from the decoder. */
  framesIn: number;
  /** Frames handed out by next(). */
  framesOut: number;
  /** Frames dropped by the bounded queue (oldest first). */
  drops: number;
  /** Decoder restarts after an exit, a stall or an error. */
  restarts: number;
  /** Why the last run failed; names the camera and the cause, never a password. */
  lastError?: string;
  lastErrorCode?: ErrorCode;
  /** ms since the epoch of the last frame received. */
  lastFrameAt?: number;
  /** When the next restart is due (backoff and retryable errors), ms since the epoch. */
  retryAt?: number;
  /** Frames per second received over the last 10 s. */
  fps: number;
}
