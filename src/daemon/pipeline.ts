/**
 * The data flow for one frame, in order: faces (detect -> landmarks -> align -> embed) ->
 * quality gate -> tracks (per camera) -> store (SQLite, the source of truth; faces with their
 * tracks) -> people (src/people: index + clusters) -> onStored (the frame's stored faces and tracks).
 * Frames from every camera come through here; the embedder batches faces of concurrent frames.
 * Storing, indexing and clustering are serialised so the index and the people always match the DB.
 */
import type { Logger } from '../log/logger.js';
import type { Config } from '../config/schema.js';
import type { Store, NewFace } from '../store/index.js';
import type { Frame } from '../feed/types.js';
import type { PeopleFace } from '../people/video.js';
import type { FaceResult } from '../faces/types.js';
import type { GateInput } from '../faces/quality.js';
import { faceThumbnail } from './thumbnail.js';
import { sameScene, sceneSignature } from '../feed/scene.js';
import type { EndReason } from '../tracks/index.js';
import type { DetectOptions } from '../faces/detectors.js';
import { SmallFacePlanner } from './small-faces.js';
import { TrackStage, type StoredTrack, type TrackedFrame } from './tracking.js';

export type { StoredTrack, TrackedFace, TrackedFrame } from './tracking.js';

/**
 * A frame as the pipeline needs it (src/feed Frame; any RGB24 bytes). `still` (folder feeds)
 * marks an image whose faces never link to another image's; a new `run` means the feed
 * restarted, ending its tracks; `source`, `frameIndex` and `timeSource` are its footage time.
 */
export type FrameLike = Pick<Frame, 'cameraId' | 'width' | 'height' | 'ts' | 'pos' | 'run' | 'still' | 'source' | 'frameIndex' | 'timeSource' | 'sourcePos' | 'loop'> & { data: Uint8Array };

/** A face as the pipeline needs it (src/faces FaceResult; the 68 landmarks not needed, the five points optional). */
export type AnalyzedFace = Omit<FaceResult, 'landmarks' | 'points5'> & Partial<Pick<FaceResult, 'points5'>>;

/** The faces stage as the pipeline sees it (src/faces FaceEngine). */
export interface Analyzer {
  /** `regions`: the small-face pass for this frame (src/daemon/small-faces.ts). */
  analyze(img: { width: number; height: number; data: Uint8Array }, opts?: DetectOptions): Promise<AnalyzedFace[]>;
}

/** The people stage (src/people): indexes and clusters faces just stored. */
export interface PeopleLike {
  addFaces(faces: PeopleFace[]): Promise<Map<number, number>>;
}

/** The quality gate (src/faces/quality.ts): may this face be clustered, and its stored quality number. */
export interface QualityGate {
  isClusterable(q: GateInput): boolean;
  score(q: GateInput): number;
}

export interface PipelineDeps {
  analyzer: Analyzer;
  store: Store;
  people: PeopleLike;
  gate: QualityGate;
  config: Pick<Config, 'storage' | 'detector' | 'tracks'>;
  log: Logger;
  /**
   * Called in the sink after a frame's faces are stored, indexed and clustered, and after a
   * camera's tracks were ended: the stored faces with their track ids and the tracks touched
   * (people constraints, one alert per track). An error is logged; the frame stays stored.
   */
  onStored?: (frame: TrackedFrame & { cameraId: string; ts: number; pos: number }) => void | Promise<void>;
}

export interface PipelineCounters {
  framesProcessed: number;
  /** Frames that skipped the detector: the same scene as the camera's last frame without a face. */
  framesStatic: number;
  framesWithFaces: number;
  facesStored: number;
  facesClusterable: number;
  facesGated: number;
  duplicates: number;
  storeErrors: number;
}

export class Pipeline {
  readonly counters: PipelineCounters = {
    framesProcessed: 0,
    framesStatic: 0,
    framesWithFaces: 0,
    facesStored: 0,
    facesClusterable: 0,
    facesGated: 0,
    duplicates: 0,
    storeErrors: 0,
  };
  private sink: Promise<unknown> = Promise.resolve();
  /** Per camera: the signature of the last frame analysed that had no face. */
  private readonly emptyScene = new Map<string, Float32Array>();
  readonly smallFaces: SmallFacePlanner;
  private readonly tracks: TrackStage;
  /** Per camera: the time source last recorded in the store. */
  private readonly timeSources = new Map<string, string>();

  constructor(private readonly deps: PipelineDeps) {
    this.tracks = new TrackStage(deps.store, deps.config.tracks);
    this.smallFaces = new SmallFacePlanner(deps.config.detector);
  }

  /**
   * Runs one frame through the whole flow. Resolves once its faces are stored, indexed and
   * clustered; returns false when storing failed (the frame's faces are lost, nothing else).
   */
  async processFrame(frame: FrameLike): Promise<boolean> {
    const needSig = this.deps.config.detector.skipStatic > 0 || (this.deps.config.tracks.sceneCut > 0 && frame.still !== true);
    const sig = needSig ? sceneSignature(frame) : undefined;
    const faces = await this.analyze(frame, sig);
    this.counters.framesProcessed++;
    if (faces.length > 0) this.counters.framesWithFaces++;
    const records = await this.toRecords(frame, faces);
    return this.serialised(() => this.storeIndexCluster(frame, faces, records, sig));
  }

  /**
   * Ends a camera's open tracks (its feed ended or stopped), in the sink's order; the stored
   * tracks are closed with `reason`. Never throws: a failure is logged.
   */
  endTracks(cameraId: string, reason: EndReason = 'feed-end'): Promise<StoredTrack[]> {
    this.smallFaces.forget(cameraId);
    return this.serialised(async () => {
      try {
        const tracks = await this.tracks.endCamera(cameraId, reason);
        if (tracks.length > 0) await this.notify({ cameraId, ts: Date.now(), pos: 0, faceIds: [], faces: [], tracks });
        return tracks;
      } catch (err) {
        this.deps.log.error({ camera: cameraId, err: (err as Error).message }, 'could not close the camera\'s tracks; they are closed at the next start');
        return [];
      }
    });
  }

  /**
   * The faces stage, unless detector.skipStatic is on and the frame shows the same scene as this
   * camera's last analysed frame without a face (then no face, without running the detector).
   * Frames are compared with that analysed frame, not the previous one, so a slow change adds up.
   */
  private async analyze(frame: FrameLike, sig: Float32Array | undefined): Promise<AnalyzedFace[]> {
    const threshold = this.deps.config.detector.skipStatic;
    if (threshold <= 0 || !sig) return this.detect(frame, sig);
    const empty = this.emptyScene.get(frame.cameraId);
    if (empty && sameScene(empty, sig, threshold)) {
      this.counters.framesStatic++;
      return [];
    }
    const faces = await this.detect(frame, sig);
    if (faces.length === 0) this.emptyScene.set(frame.cameraId, sig);
    else this.emptyScene.delete(frame.cameraId);
    return faces;
  }

  /** The faces stage with the camera's small-face pass; remembers what it found for the next frame. */
  private async detect(frame: FrameLike, sig: Float32Array | undefined): Promise<AnalyzedFace[]> {
    const pass = this.smallFaces.plan(frame, sig);
    const faces = await this.deps.analyzer.analyze(frame, pass.regions.length > 0 || pass.candidates || pass.recheck ? pass : undefined);
    this.smallFaces.saw(frame.cameraId, faces.map((f) => f.box));
    return faces;
  }

  /** Waits for every frame already handed to the sink (shutdown, --until-done). */
  async drain(): Promise<void> {
    await this.sink;
  }

  /**
   * Runs a change of the people (a request from the CLI or the web page, retention) in the
   * sink's order; then drops the open tracks whose faces it erased (TrackStage.dropErased).
   */
  changePeople<T>(fn: () => Promise<T>): Promise<T> {
    return this.serialised(async () => {
      try {
        return await fn();
      } finally {
        const dropped = await this.tracks.dropErased().catch((err: Error) => {
          this.deps.log.error({ err: err.message }, 'could not check the open tracks after an erasure');
          return 0;
        });
        if (dropped > 0) this.deps.log.info({ tracks: dropped }, 'open tracks whose faces were erased start again');
      }
    });
  }

  /** Runs `fn` in the sink's order (re-clusters and retention share it with frames). */
  serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.sink.then(fn, fn);
    this.sink = next.catch(() => undefined);
    return next;
  }

  private async toRecords(frame: FrameLike, faces: AnalyzedFace[]): Promise<NewFace[]> {
    const { storage } = this.deps.config;
    const records: NewFace[] = [];
    for (const [faceIdx, face] of faces.entries()) {
      const q = { ...face.quality, score: face.score };
      const clusterable = this.deps.gate.isClusterable(q);
      records.push({
        cameraId: frame.cameraId,
        ts: Math.round(frame.ts),
        framePos: frame.sourcePos ?? frame.pos, // looping files: the offset in the file, so evidence export finds the frame
        loop: frame.loop,
        source: frame.source,
        frameIndex: frame.frameIndex,
        faceIdx,
        box: face.box,
        score: face.score,
        quality: this.deps.gate.score(q),
        clusterable,
        descriptor: face.descriptor,
        thumbnail: storage.thumbnails ? await faceThumbnail(frame, face.box, storage.thumbnailQuality) : undefined,
      });
    }
    return records;
  }

  private async storeIndexCluster(frame: FrameLike, faces: AnalyzedFace[], records: NewFace[], sig: Float32Array | undefined): Promise<boolean> {
    const { store, people, log } = this.deps;
    let tracked: TrackedFrame;
    try {
      tracked = await this.tracks.storeFrame(
        { cameraId: frame.cameraId, ts: frame.ts, pos: frame.pos, width: frame.width, height: frame.height, still: frame.still === true, run: frame.run, signature: sig },
        faces.map((f, i) => ({ box: f.box, score: f.score, descriptor: f.descriptor, quality: f.quality, clusterable: records[i]!.clusterable })),
        records,
      );
      await store.cameras.setProgress(frame.cameraId, frame.pos);
      if (frame.timeSource && this.timeSources.get(frame.cameraId) !== frame.timeSource) {
        await store.cameras.setTimeSource(frame.cameraId, frame.timeSource);
        this.timeSources.set(frame.cameraId, frame.timeSource);
      }
    } catch (err) {
      this.counters.storeErrors++;
      log.error({ camera: frame.cameraId, err: (err as Error).message, faces: records.length }, 'could not store the faces of a frame; they are dropped, the feed goes on');
      return false;
    }
    this.counters.duplicates += tracked.faceIds.filter((id) => id === null || id === undefined).length;
    for (const f of tracked.faces) {
      this.counters.facesStored++;
      if (f.clusterable) this.counters.facesClusterable++;
      else this.counters.facesGated++;
    }
    // Every stored face goes to the people core with its track and frame: faces under the gate
    // follow their track's person without pulling people together (src/people/video.ts).
    const frameKey = `${frame.cameraId}@${frame.ts}@${frame.pos}`;
    const fresh = tracked.faces.map((f) => ({ id: f.id, descriptor: f.descriptor, clusterable: f.clusterable, trackId: f.trackId, frame: frameKey }));
    if (fresh.length > 0) await people.addFaces(fresh);
    await this.notify({ cameraId: frame.cameraId, ts: frame.ts, pos: frame.pos, ...tracked });
    return true;
  }

  private async notify(frame: TrackedFrame & { cameraId: string; ts: number; pos: number }): Promise<void> {
    if (!this.deps.onStored) return;
    try {
      await this.deps.onStored(frame);
    } catch (err) {
      this.deps.log.error({ camera: frame.cameraId, err: (err as Error).message }, 'a stored-frame hook failed; the frame stays stored');
    }
  }
}
