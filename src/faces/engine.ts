/** FaceEngine: detect -> landmarks -> align -> embed on onnxruntime-node sessions. */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { CHIP_SIZE, chipTransform, chipTransform68, clipFloor, eyeDistance, yawOffset, faceapiAlignRect, landmarksToImage, type Point } from './align.js';
import { Batcher } from './batcher.js';
import { decodeSsd, mergeDetections, nms, padPasses, toImageRect, unmirror } from './detect.js';
import { ensureModels, readAnchors } from './models.js';
import { centeredCanvas, laplacianVariance, letterboxCanvas, mirrorChip, packNchw, resampleCanvas, warpSimilarity, type Canvas, type Rect, type RgbImage } from './preprocess.js';
import { openSessions, run, type Provider, type Sessions } from './sessions.js';
import type { FaceResult } from './types.js';

export type Alignment = 'dlib68' | 'similarity' | 'faceapi';

/** The detector settings the faces stage uses (skipStatic belongs to the daemon's pipeline). */
export type DetectorSettings = Omit<Config['detector'], 'skipStatic'>;

export type { FaceResult } from './types.js';

export interface Detection {
  box: Rect;
  score: number;
}

const DET_SIZE = 512;
const LM_SIZE = 112;
const CHIP_ITEM = 3 * CHIP_SIZE * CHIP_SIZE;

export class FaceEngine {
  private readonly batcher: Batcher;

  private constructor(
    private readonly sessions: Sessions,
    private readonly anchors: Float32Array,
    private readonly detector: DetectorSettings,
    private readonly inference: Config['inference'],
  ) {
    const runBatch = async (input: Float32Array, n: number) =>
      (await run(sessions.recognition, input, [n, 3, CHIP_SIZE, CHIP_SIZE])).descriptor!;
    this.batcher = new Batcher(runBatch, CHIP_ITEM, 128, inference.batchSize, inference.batchWait);
  }

  static async create(opts: { detector: DetectorSettings; inference: Config['inference']; modelDir: string; log: Logger }): Promise<FaceEngine> {
    const files = ensureModels(opts.modelDir);
    if (files.built) opts.log.info({ dir: files.dir }, 'built the ONNX face models from @vladmandic/face-api weights');
    const sessions = await openSessions(files, opts.inference, opts.log);
    return new FaceEngine(sessions, readAnchors(files.anchors), opts.detector, opts.inference);
  }

  get provider(): Provider {
    return this.sessions.provider;
  }

  /** One detector pass over `canvas` (image pixels out); `mirror` runs it on the mirrored input. */
  async detectPass(img: RgbImage, canvas: Canvas, minScore: number, mirror = false): Promise<Detection[]> {
    const chip = resampleCanvas(img, canvas, { x: 0, y: 0, width: img.width, height: img.height }, DET_SIZE);
    if (mirror) mirrorChip(chip, DET_SIZE);
    const input = new Float32Array(3 * DET_SIZE * DET_SIZE);
    packNchw(chip, DET_SIZE, 'ssd', input, 0);
    const out = await run(this.sessions.detector, input, [1, 3, DET_SIZE, DET_SIZE]);
    const cands = nms(decodeSsd(out.boxes!, out.logits!, this.anchors, 0, minScore), this.detector.nmsIou);
    return cands.map((c) => ({ box: toImageRect(mirror ? unmirror(c) : c, canvas, img.width, img.height), score: c.score }));
  }

  /**
   * Face boxes of at least detector.minFaceSize: the letterbox pass, then (per detector.padPass)
   * the padded passes; with `empty` they stop at the first pass that finds a face.
   */
  async detect(img: RgbImage): Promise<Detection[]> {
    const { minScore, padPass, padFactors, padMirror, nmsIou, minFaceSize } = this.detector;
    const big = (ds: Detection[]) => ds.filter((d) => d.box.height >= minFaceSize && d.box.width >= 1);
    let dets = big(await this.detectPass(img, letterboxCanvas(img.width, img.height), minScore));
    if (padPass === 'off') return dets;
    for (const pass of padPasses(padFactors, padMirror)) {
      if (padPass === 'empty' && dets.length > 0) break;
      const found = big(await this.detectPass(img, letterboxCanvas(img.width, img.height, pass.factor), minScore, pass.mirror));
      dets = mergeDetections([...dets, ...found], nmsIou);
    }
    return dets;
  }

  /** 68 landmarks per detection (one batched run), in image pixels. */
  async landmarks(img: RgbImage, dets: Detection[]): Promise<Array<{ points: Point[]; crop: Rect }>> {
    const crops = dets.map((d) => clipFloor(d.box, img.width, img.height));
    const valid = crops.map((c) => c.width > 0 && c.height > 0);
    const idx = crops.map((_, i) => i).filter((i) => valid[i]);
    if (idx.length === 0) return [];
    const input = new Float32Array(idx.length * 3 * LM_SIZE * LM_SIZE);
    idx.forEach((i, k) => packNchw(resampleCanvas(img, centeredCanvas(crops[i]!), crops[i]!, LM_SIZE), LM_SIZE, 'mean', input, k));
    const out = (await run(this.sessions.landmarks, input, [idx.length, 3, LM_SIZE, LM_SIZE])).landmarks!;
    const res: Array<{ points: Point[]; crop: Rect }> = [];
    idx.forEach((i, k) => res[i] = { points: landmarksToImage(out, k * 136, crops[i]!, dets[i]!.box), crop: crops[i]! });
    return res;
  }

  /** The 150x150 chip (channels-last RGB floats) for one face. */
  chip(img: RgbImage, points: Point[], crop: Rect, align: Alignment): Float32Array | null {
    if (align === 'dlib68') return warpSimilarity(img, chipTransform68(points), CHIP_SIZE);
    if (align === 'similarity') return warpSimilarity(img, chipTransform(points), CHIP_SIZE);
    const r = faceapiAlignRect(points, crop, img.width, img.height);
    if (r.width <= 0 || r.height <= 0) return null;
    return resampleCanvas(img, centeredCanvas(r), r, CHIP_SIZE);
  }

  /** Descriptor of one chip; concurrent calls are batched (inference.batchSize / batchWait). */
  embed(chip: Float32Array): Promise<Float32Array> {
    const input = new Float32Array(CHIP_ITEM);
    packNchw(chip, CHIP_SIZE, 'mean', input, 0);
    return this.batcher.submit(input);
  }

  /** detect -> landmarks -> align -> embed. Coordinates are in `img` pixels. */
  async analyze(img: RgbImage, opts: { align?: Alignment } = {}): Promise<FaceResult[]> {
    const align = opts.align ?? this.inference.align;
    const dets = await this.detect(img);
    const lms = await this.landmarks(img, dets);
    const jobs: Array<Promise<FaceResult | null>> = dets.map(async (d, i) => {
      const lm = lms[i];
      if (!lm) return null;
      const chip = this.chip(img, lm.points, lm.crop, align);
      if (!chip) return null;
      const descriptor = await this.embed(chip);
      const quality = { height: d.box.height, eyeDistance: eyeDistance(lm.points), sharpness: laplacianVariance(chip, CHIP_SIZE), yaw: yawOffset(lm.points) };
      return { box: d.box, score: d.score, landmarks: lm.points, descriptor, quality };
    });
    return (await Promise.all(jobs)).filter((r): r is FaceResult => r !== null);
  }

  async close(): Promise<void> {
    this.batcher.close();
    await Promise.all([this.sessions.detector.release(), this.sessions.landmarks.release(), this.sessions.recognition.release()]);
  }
}
