/** FaceEngine: detect -> landmarks -> align -> embed on onnxruntime-node sessions. */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { CHIP_SIZE, chipTransform, chipTransform68, chipTransformFive, clipFloor, eyeDistance5, faceapiAlignRect, landmarksToImage, points5From68, yawOffset5, type Point } from './align.js';
import { Batcher } from './batcher.js';
import { pickDetectOptions, resolveDetector, SsdDetector, YunetDetector, type Detection, type DetectOptions, type DetectorConfig, type FaceDetector } from './detectors.js';
import { ensureModels, readAnchors } from './models.js';
import { centeredCanvas, laplacianVariance, packNchw, resampleCanvas, warpSimilarity, type Canvas, type Rect, type RgbImage } from './preprocess.js';
import { openSessions, run, type Provider, type Sessions } from './sessions.js';
import type { FaceResult } from './types.js';
import { readYunet } from './vendored.js';
import { landmarkBox } from './yunet-checks.js';

export type Alignment = 'dlib68' | 'similarity' | 'faceapi' | 'five';
export type { Detection, DetectorConfig, DetectorSettings } from './detectors.js';

export type { FaceResult } from './types.js';

const LM_SIZE = 112;
const CHIP_ITEM = 3 * CHIP_SIZE * CHIP_SIZE;

export class FaceEngine {
  private readonly batcher: Batcher;
  private readonly ssd: SsdDetector;
  /** The configured detector (detector.model); `ssd` also serves `--align faceapi`. */
  readonly detector: FaceDetector;

  private constructor(
    private readonly sessions: Sessions,
    anchors: Float32Array,
    config: DetectorConfig,
    private readonly inference: Config['inference'],
  ) {
    const runBatch = async (input: Float32Array, n: number) =>
      (await run(sessions.recognition, input, [n, 3, CHIP_SIZE, CHIP_SIZE])).descriptor!;
    this.batcher = new Batcher(runBatch, CHIP_ITEM, 128, inference.batchSize, inference.batchWait);
    const settings = resolveDetector(config);
    this.ssd = new SsdDetector(sessions.detector, anchors, settings.model === 'ssd' ? settings : resolveDetector({ ...config, model: 'ssd' }));
    this.detector = settings.model === 'yunet' ? new YunetDetector(sessions.yunet!, settings) : this.ssd;
  }

  static async create(opts: { detector: DetectorConfig; inference: Config['inference']; modelDir: string; log: Logger }): Promise<FaceEngine> {
    const yunet = opts.detector.model === 'yunet' ? readYunet() : undefined; // sha256-checked first: a damaged file fails fast
    const files = ensureModels(opts.modelDir);
    if (files.built) opts.log.info({ dir: files.dir }, 'built the ONNX face models from @vladmandic/face-api weights');
    const sessions = await openSessions(files, opts.inference, opts.log, yunet);
    return new FaceEngine(sessions, readAnchors(files.anchors), opts.detector, opts.inference);
  }

  get provider(): Provider {
    return this.sessions.provider;
  }

  /** One SSD pass over `canvas` (image pixels out); `mirror` runs it on the mirrored input. */
  detectPass(img: RgbImage, canvas: Canvas, minScore: number, mirror = false): Promise<Detection[]> {
    return this.ssd.detectPass(img, canvas, minScore, mirror);
  }

  /** Face boxes of at least detector.minFaceSize from the configured detector (`ssd`: the SSD cascade). */
  detect(img: RgbImage, model: 'configured' | 'ssd' = 'configured', extra: DetectOptions = {}): Promise<Detection[]> {
    return (model === 'ssd' ? this.ssd : this.detector).detect(img, extra);
  }

  /** 68 landmarks per detection (one batched run), in image pixels. */
  async landmarks(img: RgbImage, dets: Detection[]): Promise<Array<{ points: Point[]; crop: Rect }>> {
    // The landmark net learnt on SSD boxes: a YuNet box (with points5) is first mapped to one.
    const boxes = dets.map((d) => (d.points5 ? landmarkBox(d.box) : d.box));
    const crops = boxes.map((b) => clipFloor(b, img.width, img.height));
    const valid = crops.map((c) => c.width > 0 && c.height > 0);
    const idx = crops.map((_, i) => i).filter((i) => valid[i]);
    if (idx.length === 0) return [];
    const input = new Float32Array(idx.length * 3 * LM_SIZE * LM_SIZE);
    idx.forEach((i, k) => packNchw(resampleCanvas(img, centeredCanvas(crops[i]!), crops[i]!, LM_SIZE), LM_SIZE, 'mean', input, k));
    const out = (await run(this.sessions.landmarks, input, [idx.length, 3, LM_SIZE, LM_SIZE])).landmarks!;
    const res: Array<{ points: Point[]; crop: Rect }> = [];
    idx.forEach((i, k) => res[i] = { points: landmarksToImage(out, k * 136, crops[i]!, boxes[i]!), crop: crops[i]! });
    return res;
  }

  /** The 150x150 chip (channels-last RGB floats) for one face (`five`: from points5). */
  chip(img: RgbImage, points: Point[], crop: Rect, align: Alignment, points5?: Point[]): Float32Array | null {
    if (align === 'dlib68') return warpSimilarity(img, chipTransform68(points), CHIP_SIZE);
    if (align === 'similarity') return warpSimilarity(img, chipTransform(points), CHIP_SIZE);
    if (align === 'five') return warpSimilarity(img, chipTransformFive(points5 ?? points5From68(points)), CHIP_SIZE);
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

  /**
   * detect -> landmarks -> align -> embed. Coordinates are in `img` pixels. `faceapi` alignment
   * always runs the SSD cascade (face-api's pipeline); `five` with a detector that gives five
   * points (yunet) skips the 68-point landmark net. `regions` and `candidates`: the small-face
   * pass for this frame (src/faces/smallfaces.ts, detectors.ts DetectOptions).
   */
  async analyze(img: RgbImage, opts: { align?: Alignment } & DetectOptions = {}): Promise<FaceResult[]> {
    const align = opts.align ?? this.inference.align;
    const dets = await this.detect(img, align === 'faceapi' ? 'ssd' : 'configured', pickDetectOptions(opts));
    const skipNet = align === 'five' && dets.every((d) => d.points5);
    const lms = skipNet ? dets.map((d) => ({ points: d.points5!, crop: clipFloor(d.box, img.width, img.height) })) : await this.landmarks(img, dets);
    const jobs: Array<Promise<FaceResult | null>> = dets.map(async (d, i) => {
      const lm = lms[i];
      if (!lm) return null;
      const p5 = skipNet ? d.points5! : points5From68(lm.points);
      const chip = this.chip(img, lm.points, lm.crop, align, align === 'five' ? (d.points5 ?? p5) : undefined);
      if (!chip) return null;
      const descriptor = await this.embed(chip);
      const quality = { height: d.box.height, eyeDistance: eyeDistance5(p5), sharpness: laplacianVariance(chip, CHIP_SIZE), yaw: yawOffset5(p5) };
      return { box: d.box, score: d.score, landmarks: lm.points, points5: p5, descriptor, quality };
    });
    return (await Promise.all(jobs)).filter((r): r is FaceResult => r !== null);
  }

  async close(): Promise<void> {
    this.batcher.close();
    await Promise.all([this.sessions.detector.release(), this.sessions.landmarks.release(), this.sessions.recognition.release(), this.sessions.yunet?.release()]);
  }
}
