/**
 * One camera: runs its source (ffmpeg or the folder reader), restarts it with backoff when it
 * exits, fails or stalls, and hands frames out through a bounded queue. Live streams drop the
 * oldest frames when the consumer is slower (capture never waits); files and folders pause
 * their reader instead, since nothing is lost by reading them later.
 */
import { EventEmitter } from 'node:events';
import type { CameraConfig } from '../config/schema.js';
import { FaceidxError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { Failure } from './classify.js';
import { seekFor } from './ffmpeg-args.js';
import { startFolderRun } from './folder-source.js';
import { feedKind } from './kind.js';
import { FrameQueue } from './queue.js';
import { redactText, redactUrl } from '../redact.js';
import type { RunEnd, SourceFrame, SourceRun } from './source.js';
import type { FeedKind, FeedState, FeedStatus, Frame } from './types.js';
import { startVideoRun } from './video-source.js';
import { FrameBuffers } from './frame-buffers.js';

export interface CameraFeedOptions {
  log: Logger;
  maxQueue: number;
  /** Files and folders: skip frames with pos <= this (resume after a daemon restart). */
  resumeAfter?: number;
  backoff?: BackoffOptions;
  /**
   * Restarts after which an input that still delivers no frame ends the feed in state error
   * (`faceidx run --until-done` sets it for files and folders). Default: retry forever, as a
   * service should (a camera may come back, a file may appear).
   */
  giveUpAfter?: number;
}

const FPS_WINDOW_MS = 10_000;
/**
 * With giveUpAfter, a feed gives up after that many failed runs without a frame, or this many
 * times as many stalled ones: a file that opens but is slow to give its first frame (14 cameras
 * starting together on 2 busy cores took over 20 s) is not a missing file.
 */
const STALL_BUDGET = 5;
/** Run numbers handed out in this process (Frame.run). */
let runsStarted = 0;

/** The stall timeout in force: the configured one, but never shorter than 2.5 frame intervals. */
export function effectiveStallMs(stallTimeoutMs: number, fps: number): number {
  return Math.max(stallTimeoutMs, Math.ceil(2500 / fps));
}

export class CameraFeed extends EventEmitter {
  readonly kind: FeedKind;
  private readonly url: string;
  private readonly log: Logger;
  private readonly queue: FrameQueue<Frame>;
  private readonly backoff: Backoff;
  private readonly lossless: boolean;
  private state: FeedState = 'stopped';
  private counts = { framesIn: 0, framesOut: 0, drops: 0, restarts: 0 };
  /** Frame buffers given back by the consumer, for this camera's later frames. */
  private readonly buffers = new FrameBuffers();
  private lastError: { message: string; code: ErrorCode } | undefined;
  private lastFrameAt: number | undefined;
  private retryAt: number | undefined;
  private arrivals: number[] = [];
  private run: SourceRun | undefined;
  private runNo = 0;
  private runFrames = 0;
  private lastPos: number | undefined;
  private paused = false;
  private started = false;
  private stopping: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private stalled = false;
  private failedForGood = false;
  /** Failed runs since the last frame arrived (compared with opts.giveUpAfter). */
  private failuresSinceFrame = 0;
  /** Stalled runs since the last frame arrived (compared with opts.giveUpAfter x STALL_BUDGET). */
  private stallsSinceFrame = 0;
  private liveEpochMs = 0;
  /** Looping files: the pass being read and the feed position at its start. */
  private pass = { index: 0, startSec: 0 };

  constructor(
    private readonly camera: CameraConfig,
    private readonly opts: CameraFeedOptions,
  ) {
    super();
    this.kind = feedKind(camera.url);
    this.url = redactUrl(camera.url);
    this.log = opts.log.child({ module: 'feed', camera: camera.id });
    this.queue = new FrameQueue<Frame>(opts.maxQueue);
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
    this.lossless = this.kind === 'file' || this.kind === 'folder';
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.liveEpochMs = Date.now();
    this.launch();
  }

  /** The next frame, waiting for one; undefined once the feed is done, stopped or failed for good. */
  async next(): Promise<Frame | undefined> {
    const frame = await this.queue.take();
    if (!frame) return undefined;
    this.counts.framesOut++;
    if (this.paused && !this.queue.full) {
      this.paused = false;
      this.run?.resume();
      this.armStall();
    }
    return frame;
  }

  /** Kills ffmpeg (or ends the folder reader) and resolves once it is gone. Frames still queued are discarded. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    this.queue.close(true);
    const run = this.run;
    this.stopping = (async () => {
      await run?.stop();
      this.run = undefined;
      this.retryAt = undefined;
      if (this.state !== 'done' && !this.failedForGood) this.setState('stopped');
    })();
    return this.stopping;
  }

  status(): FeedStatus {
    const now = Date.now();
    this.arrivals = this.arrivals.filter((t) => now - t < FPS_WINDOW_MS);
    const first = this.arrivals[0];
    const spanMs = first === undefined ? FPS_WINDOW_MS : Math.max(1000, Math.min(FPS_WINDOW_MS, now - first));
    return {
      cameraId: this.camera.id,
      url: this.url,
      kind: this.kind,
      state: this.state,
      ...this.counts,
      ...(this.lastError ? { lastError: this.lastError.message, lastErrorCode: this.lastError.code } : {}),
      ...(this.lastFrameAt !== undefined ? { lastFrameAt: this.lastFrameAt } : {}),
      ...(this.retryAt !== undefined ? { retryAt: this.retryAt } : {}),
      fps: Math.round((this.arrivals.length / spanMs) * 1000 * 100) / 100,
    };
  }

  private setState(state: FeedState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', this.status());
  }

  private launch(): void {
    this.retryTimer = undefined;
    this.retryAt = undefined;
    this.runFrames = 0;
    this.runNo = ++runsStarted;
    this.paused = false;
    this.stalled = false;
    this.setState('starting');
    const resume = this.resumePoint();
    const sink = { frame: (f: SourceFrame) => this.onFrame(run, f) };
    const run: SourceRun =
      this.kind === 'folder'
        ? startFolderRun(this.camera, { ...(resume !== undefined ? { resumeAfter: resume } : {}), onSkip: (path, reason) => this.onSkip(path, reason) }, sink)
        : startVideoRun(this.camera, {
            kind: this.kind,
            ...(resume !== undefined ? { seekSec: seekFor(resume, this.camera.fps) } : {}),
            liveEpochMs: this.liveEpochMs,
            buffers: this.buffers,
            ...(this.looping ? { pass: { ...this.pass } } : {}),
          }, sink);
    this.run = run;
    this.armStall();
    void run.ended.then(
      (end) => this.onEnd(run, end),
      (err: unknown) => this.onEnd(run, { kind: 'failed', failure: { code: 'FACEIDX_FEED_INPUT', cause: String((err as Error)?.message ?? err), fix: 'see the log', retry: true } }),
    );
  }

  private get looping(): boolean {
    return this.camera.loop && this.kind === 'file';
  }

  /** Files and folders resume after the last frame seen (or the daemon's resume point). */
  private resumePoint(): number | undefined {
    if (!this.lossless || this.camera.loop) return this.opts.resumeAfter;
    const points = [this.opts.resumeAfter, this.lastPos].filter((p): p is number => p !== undefined);
    return points.length > 0 ? Math.max(...points) : undefined;
  }

  private onFrame(run: SourceRun, f: SourceFrame): void {
    if (run !== this.run || this.stopping) return;
    const limit = this.resumePoint();
    if (limit !== undefined && !this.camera.loop && f.pos <= limit && this.lossless) return;
    const now = Date.now();
    this.counts.framesIn++;
    this.lastFrameAt = now;
    this.arrivals.push(now);
    if (this.arrivals.length > 4096) this.arrivals.splice(0, 2048);
    this.lastPos = f.pos;
    if (this.runFrames++ === 0) {
      this.backoff.reset();
      this.failuresSinceFrame = 0;
      this.stallsSinceFrame = 0;
      if (this.pass.index === 0) this.log.info({ url: this.url, width: f.width, height: f.height }, 'feed running');
    }
    this.setState('running');
    const frame: Frame = { cameraId: this.camera.id, seq: this.counts.framesIn - 1, run: this.runNo, ...f };
    if (this.lossless) {
      this.queue.append(frame);
      if (this.queue.full && !this.paused) {
        this.paused = true;
        run.pause();
      }
    } else {
      const dropped = this.queue.push(frame);
      if (dropped !== undefined) {
        dropped.release?.();
        this.counts.drops++;
      }
    }
    this.armStall();
  }

  private armStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (this.kind === 'folder' || this.paused || !this.run || this.stopping) return;
    const ms = effectiveStallMs(this.camera.stallTimeout, this.camera.fps);
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.log.warn({ url: this.url, seconds: ms / 1000 }, 'no frame for a while; restarting ffmpeg');
      void this.run?.stop();
    }, ms);
  }

  private onSkip(path: string, reason: string): void {
    this.log.warn({ path, reason: redactText(reason, this.camera.url) }, 'image skipped: it could not be decoded');
  }

  private onEnd(run: SourceRun, end: RunEnd): void {
    if (run !== this.run || this.stopping) return;
    clearTimeout(this.stallTimer);
    this.run = undefined;
    if (end.kind === 'done' && this.looping) {
      // The next pass at once (not a restart): its frames keep their offset in the file.
      this.pass = { index: this.pass.index + 1, startSec: this.pass.startSec + (end.passSec ?? 0) };
      this.launch();
      return;
    }
    if (end.kind === 'done') {
      this.log.info({ frames: this.counts.framesIn }, 'feed done');
      this.setState('done');
      this.queue.close();
      return;
    }
    if (end.kind === 'killed') {
      const seconds = effectiveStallMs(this.camera.stallTimeout, this.camera.fps) / 1000;
      const failure: Failure = { code: 'FACEIDX_FEED_UNREACHABLE', cause: `stalled: no frame for ${seconds} s`, fix: 'check the camera; ffmpeg is restarted', retry: true };
      this.fail(this.stalled ? failure : { ...failure, cause: 'ffmpeg was killed' });
      return;
    }
    this.fail(end.failure);
  }

  private fail(failure: Failure): void {
    const err = new FaceidxError(failure.code, `camera "${this.camera.id}": ${failure.cause} (${this.url})`, failure.fix);
    const message = redactText(err.message, this.camera.url);
    this.lastError = { message, code: failure.code };
    // A stalled run (ffmpeg opened the input but gave no frame in time: a busy machine, a slow
    // start) is not an input that cannot be opened: stalls get STALL_BUDGET times the retries.
    if (this.stalled) this.stallsSinceFrame++;
    else this.failuresSinceFrame++;
    const limit = this.opts.giveUpAfter;
    const givingUp = failure.retry && limit !== undefined && (this.failuresSinceFrame > limit || this.stallsSinceFrame > limit * STALL_BUDGET);
    if (!failure.retry || givingUp) {
      if (givingUp) this.log.error({ err: message, code: failure.code, retries: limit }, 'feed failed; giving up after its retries');
      else this.log.error({ err: message, code: failure.code }, 'feed failed; not retrying');
      this.failedForGood = true;
      this.setState('error');
      this.queue.close();
      return;
    }
    const delay = this.backoff.next();
    this.retryAt = Date.now() + delay;
    this.log.warn({ err: message, code: failure.code, delayMs: delay }, 'feed failed; restarting after a delay');
    this.setState(this.runFrames > 0 ? 'backoff' : 'error');
    this.retryTimer = setTimeout(() => {
      this.counts.restarts++;
      this.launch();
    }, delay);
  }
}
