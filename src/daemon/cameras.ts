/**
 * Runs the camera feeds: one pump per camera takes frames from its feed (bounded, drop-oldest
 * queue inside the feed) and hands them to the pipeline. A camera failing never touches the
 * others; SIGHUP starts, stops or restarts single cameras.
 *
 * Batch runs (`faceidx run --until-done`, see setRetryLimit and until-done.ts): a file or
 * folder that still cannot be opened after its retries ends in state error instead of being
 * retried forever, so the run ends; failedFeeds() lists those. Without a limit (the service)
 * every retryable failure is retried on the backoff schedule.
 */
import type { Logger } from '../log/logger.js';
import type { CameraConfig } from '../config/schema.js';
import type { Store } from '../store/index.js';
import { CameraFeed, feedKind, redactUrl, type FeedStatus } from '../feed/index.js';
import type { Pipeline } from './pipeline.js';

interface Running {
  camera: CameraConfig;
  feed: CameraFeed;
  pump: Promise<void>;
  /** While stop() runs: what it waits for (named in the log when a shutdown deadline passes). */
  stopping?: 'ffmpeg' | 'frame in flight';
  /** A file that does not loop, or a folder that is not watched: it ends by itself. */
  finite: boolean;
}

export interface CameraRunnerOptions {
  store: Store;
  pipeline: Pipeline;
  maxQueue: number;
  log: Logger;
  /** The logger feeds get (they add their own module and camera fields); default `log`. */
  feedLog?: Logger;
  /** Called when a finite feed reached its end and its frames are stored. */
  onDone?: (cameraId: string) => void;
  /** Per camera, where its tracks cut by a crash began (store.tracks.openStarts at daemon start). */
  cutTracks?: ReadonlyMap<string, number>;
}

/** Most footage replayed after a crash to follow the tracks it cut again (see resumePosition). */
export const REPLAY_MAX_SEC = 60;

/**
 * Pure: where a file resumes at start (frames at or before this position are skipped). After
 * the last stored frame (`stored`); when a crash cut tracks of the camera, at the first frame of
 * the earliest (`cutFrom`, at most REPLAY_MAX_SEC back): the tracker then follows them through
 * the same frames as without the crash (its aggregate, which turned faces are mere sightings),
 * while the faces of those frames, stored already, are skipped by the store.
 */
export function resumePosition(stored: number, cutFrom: number | undefined, fps: number): number {
  if (cutFrom === undefined || !(cutFrom <= stored)) return stored;
  return Math.max(cutFrom, stored - REPLAY_MAX_SEC) - 0.5 / fps;
}

export class CameraRunner {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, FeedStatus>();
  private retryLimit: number | undefined;
  /** Cut tracks not yet replayed: used by each camera's first start only. */
  private readonly cut: Map<string, number>;

  constructor(private readonly opts: CameraRunnerOptions) {
    this.cut = new Map(opts.cutTracks);
  }

  /** Batch mode: finite feeds started from now on give up after `retries` failed restarts. */
  setRetryLimit(retries: number): void {
    this.retryLimit = retries;
  }

  /** Starts a camera, resuming a file or folder after the last frame stored for it (a file: at the tracks a crash cut, resumePosition). */
  async start(camera: CameraConfig): Promise<void> {
    const { store, log } = this.opts;
    const url = redactUrl(camera.url);
    const kind = feedKind(camera.url);
    const known = await store.cameras.get(camera.id);
    if (known && known.url !== url) await store.cameras.resetProgress(camera.id);
    await store.cameras.upsert({ id: camera.id, url, kind });
    const progress = await store.cameras.progress(camera.id); // none after the reset above
    const cutFrom = kind === 'file' ? this.cut.get(camera.id) : undefined;
    this.cut.delete(camera.id);
    const finite = (kind === 'file' && !camera.loop) || (kind === 'folder' && !camera.watch);
    if (finite && progress?.done) {
      log.info({ camera: camera.id }, 'feed already processed to its end; not reading it again');
      this.finished.set(camera.id, { ...emptyStatus(camera.id, url, kind), state: 'done' });
      this.opts.onDone?.(camera.id);
      return;
    }
    const resumeAfter = finite && progress ? resumePosition(progress.position, cutFrom, camera.fps) : undefined;
    if (resumeAfter !== undefined) {
      const replay = resumeAfter < progress!.position;
      log.info({ camera: camera.id, resumeAfter, ...(replay ? { stored: progress!.position } : {}) }, replay ? 'resuming feed at the tracks the crash cut (their stored faces are skipped)' : 'resuming feed after the last stored frame');
    }
    const feed = new CameraFeed(camera, {
      log: this.opts.feedLog ?? log,
      maxQueue: this.opts.maxQueue,
      ...(resumeAfter !== undefined ? { resumeAfter } : {}),
      ...(finite && this.retryLimit !== undefined ? { giveUpAfter: this.retryLimit } : {}),
    });
    this.finished.delete(camera.id);
    feed.start();
    this.running.set(camera.id, { camera, feed, pump: this.pump(camera, feed), finite });
  }

  /** Stops a camera; resolves once ffmpeg exited and its frame in flight is stored. */
  async stop(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    r.stopping = 'ffmpeg';
    await r.feed.stop();
    r.stopping = 'frame in flight';
    await r.pump;
    this.finished.set(id, r.feed.status());
    this.running.delete(id);
  }

  async restart(camera: CameraConfig): Promise<void> {
    await this.stop(camera.id);
    await this.start(camera);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  /**
   * Resolves when every finite feed (files, unwatched folders) has ended and its frames are
   * stored, including feeds started while waiting (--until-done). Live streams are not waited for.
   */
  async finiteEnded(): Promise<void> {
    for (;;) {
      const pending = [...this.running.values()].filter((r) => r.finite);
      if (pending.length === 0) return;
      await Promise.all(pending.map((r) => r.pump));
      for (const r of pending) {
        this.finished.set(r.camera.id, r.feed.status());
        if (this.running.get(r.camera.id) === r) this.running.delete(r.camera.id);
      }
    }
  }

  /** Feeds that ended in state error (failed for good, or out of retries in a batch run). */
  failedFeeds(): FeedStatus[] {
    return this.statuses().filter((s) => s.state === 'error');
  }

  /** Cameras whose stop has not finished, with what each waits for ("desk: ffmpeg"). */
  stopsPending(): string[] {
    return [...this.running.values()].filter((r) => r.stopping).map((r) => `${r.camera.id}: ${r.stopping}`);
  }

  ids(): string[] {
    return [...new Set([...this.running.keys(), ...this.finished.keys()])].sort();
  }

  statuses(): FeedStatus[] {
    const live = [...this.running.values()].map((r) => r.feed.status());
    const ended = [...this.finished.values()].filter((s) => !this.running.has(s.cameraId));
    return [...live, ...ended].sort((a, b) => a.cameraId.localeCompare(b.cameraId));
  }

  private async pump(camera: CameraConfig, feed: CameraFeed): Promise<void> {
    const { pipeline, store, log } = this.opts;
    let lastPos: number | undefined;
    for (;;) {
      const frame = await feed.next();
      if (!frame) break;
      try {
        if (await pipeline.processFrame(frame)) lastPos = frame.pos;
      } catch (err) {
        log.error({ camera: camera.id, err: (err as Error).message }, 'a frame could not be analysed; skipping it');
      } finally {
        frame.release?.(); // analysed and its thumbnails cut: its pixels serve a later frame
      }
    }
    await pipeline.endTracks(camera.id, feed.status().state === 'done' ? 'feed-end' : 'restart');
    const status = feed.status();
    if (status.state === 'done') {
      await pipeline.drain();
      await store.cameras.setProgress(camera.id, lastPos ?? 0, true).catch((err: Error) => {
        log.error({ camera: camera.id, err: err.message }, 'could not record the end of the feed');
      });
      log.info({ camera: camera.id, frames: status.framesOut, drops: status.drops }, 'feed finished');
      this.opts.onDone?.(camera.id);
    }
  }
}

function emptyStatus(cameraId: string, url: string, kind: FeedStatus['kind']): FeedStatus {
  return { cameraId, url, kind, state: 'stopped', framesIn: 0, framesOut: 0, drops: 0, restarts: 0, fps: 0 };
}
