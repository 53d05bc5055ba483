/**
 * The data flow for one frame, in order: faces (detect -> landmarks -> align -> embed) ->
 * quality gate -> store (SQLite, the source of truth) -> index (HNSW) -> cluster (people).
 * Frames from every camera come through here; the embedder batches faces of concurrent frames.
 * Storing, indexing and clustering are serialised so the index and the people always match the DB.
 */
import type { Logger } from '../log/logger.js';
import type { Config } from '../config/schema.js';
import type { Store, NewFace } from '../store/index.js';
import { faceThumbnail } from './thumbnail.js';
import { sameScene, sceneSignature } from '../feed/scene.js';

export interface FrameLike {
  cameraId: string;
  width: number;
  height: number;
  data: Uint8Array;
  ts: number;
  pos: number;
}

export interface AnalyzedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: Float32Array;
  /** Eye centres (image-left first), nose tip, mouth corners (image-left first), for any detector. */
  points5?: Array<[number, number]>;
  quality: { height: number; eyeDistance: number; sharpness: number; yaw: number };
}

/** The faces stage as the pipeline sees it (src/faces FaceEngine). */
export interface Analyzer {
  analyze(img: { width: number; height: number; data: Uint8Array }): Promise<AnalyzedFace[]>;
}

/** The index stage (src/index FaceIndex). */
export interface IndexLike {
  add(items: Array<{ id: number; descriptor: Float32Array }>): Promise<void>;
  readonly size: number;
}

/** The cluster stage (src/cluster Clusterer). */
export interface ClustererLike {
  addFaces(faces: Array<{ id: number; descriptor: Float32Array }>): Promise<Map<number, number>>;
}

/** The quality gate (src/cluster/quality.ts): may this face be clustered, and its stored quality number. */
export interface QualityGate {
  isClusterable(q: AnalyzedFace['quality'] & { score: number }): boolean;
  score(q: AnalyzedFace['quality'] & { score: number }): number;
}

export interface PipelineDeps {
  analyzer: Analyzer;
  store: Store;
  index: IndexLike;
  clusterer: ClustererLike;
  gate: QualityGate;
  config: Pick<Config, 'storage' | 'detector'>;
  log: Logger;
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

  constructor(private readonly deps: PipelineDeps) {}

  /**
   * Runs one frame through the whole flow. Resolves once its faces are stored, indexed and
   * clustered; returns false when storing failed (the frame's faces are lost, nothing else).
   */
  async processFrame(frame: FrameLike): Promise<boolean> {
    const faces = await this.analyze(frame);
    this.counters.framesProcessed++;
    if (faces.length > 0) this.counters.framesWithFaces++;
    const records = await this.toRecords(frame, faces);
    return this.serialised(() => this.storeIndexCluster(frame, records));
  }

  /**
   * The faces stage, unless detector.skipStatic is on and the frame shows the same scene as this
   * camera's last analysed frame without a face (then no face, without running the detector).
   * Frames are compared with that analysed frame, not the previous one, so a slow change adds up.
   */
  private async analyze(frame: FrameLike): Promise<AnalyzedFace[]> {
    const threshold = this.deps.config.detector.skipStatic;
    if (threshold <= 0) return this.deps.analyzer.analyze(frame);
    const sig = sceneSignature(frame);
    const empty = this.emptyScene.get(frame.cameraId);
    if (empty && sameScene(empty, sig, threshold)) {
      this.counters.framesStatic++;
      return [];
    }
    const faces = await this.deps.analyzer.analyze(frame);
    if (faces.length === 0) this.emptyScene.set(frame.cameraId, sig);
    else this.emptyScene.delete(frame.cameraId);
    return faces;
  }

  /** Waits for every frame already handed to the sink (shutdown, --until-done). */
  async drain(): Promise<void> {
    await this.sink;
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
        framePos: frame.pos,
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

  private async storeIndexCluster(frame: FrameLike, records: NewFace[]): Promise<boolean> {
    const { store, index, clusterer, log } = this.deps;
    let ids: Array<number | null>;
    try {
      ids = await store.faces.insertMany(records);
      await store.cameras.setProgress(frame.cameraId, frame.pos);
    } catch (err) {
      this.counters.storeErrors++;
      log.error({ camera: frame.cameraId, err: (err as Error).message, faces: records.length }, 'could not store the faces of a frame; they are dropped, the feed goes on');
      return false;
    }
    const fresh: Array<{ id: number; descriptor: Float32Array }> = [];
    records.forEach((r, i) => {
      const id = ids[i];
      if (id === null || id === undefined) {
        this.counters.duplicates++;
        return;
      }
      this.counters.facesStored++;
      if (r.clusterable) {
        this.counters.facesClusterable++;
        fresh.push({ id, descriptor: r.descriptor });
      } else {
        this.counters.facesGated++;
      }
    });
    if (fresh.length > 0) {
      await index.add(fresh);
      await clusterer.addFaces(fresh);
    }
    return true;
  }
}
