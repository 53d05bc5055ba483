/**
 * The face detectors behind one interface (`FaceDetector.detect`: frame -> boxes in frame
 * pixels, score, and the five points when the model gives them):
 * - `SsdDetector`: face-api's SSD MobileNetV1 on a 512 letterbox, plus the padded-canvas passes
 *   for faces that fill the frame (kept for `--align faceapi`, parity and comparison);
 * - `YunetDetector`: YuNet-n at the frame's own aspect (scaled to `detector.inputWidth`, padded to
 *   multiples of 32), its five landmarks, and the plausibility checks of yunet-checks.ts.
 * Both drop boxes lower than `detector.minFaceSize`. I/O here is only the onnxruntime runs.
 */
import type * as ort from 'onnxruntime-node';
import type { Config } from '../config/schema.js';
import type { Point } from './align.js';
import { decodeSsd, mergeDetections, nms, padPasses, rectIou, toImageRect, unmirror } from './detect.js';
import { letterboxCanvas, mirrorChip, packNchw, resampleCanvas, type Canvas, type Rect, type RgbImage } from './preprocess.js';
import { run } from './sessions.js';
import { plausibleFaces } from './yunet-checks.js';
import { windowsAround } from './smallfaces.js';
import { clipToFrame, decodeYunet, offsetFaces, packYunet, packYunetRegion, yunetInput, type YunetInput, type YunetRegion } from './yunet.js';

/** The detector section as configured (skipStatic and smallFaces belong to the daemon's pipeline). */
export type DetectorConfig = Omit<Config['detector'], 'skipStatic' | 'smallFaces'>;
/** The detector settings with the model-dependent defaults filled in (resolveDetector). */
export type DetectorSettings = DetectorConfig & { minScore: number; minFaceSize: number; padPass: 'off' | 'empty' | 'always' };

/** Model-dependent defaults, measured in src/faces/NOTES.md (see the schema's comments). */
export const MODEL_DEFAULTS = {
  ssd: { minScore: 0.5, minFaceSize: 20, padPass: 'empty' },
  yunet: { minScore: 0.7, minFaceSize: 10, padPass: 'off' },
} as const;

export function resolveDetector(d: DetectorConfig): DetectorSettings {
  const def = MODEL_DEFAULTS[d.model];
  return { ...d, minScore: d.minScore ?? def.minScore, minFaceSize: d.minFaceSize ?? def.minFaceSize, padPass: d.padPass ?? def.padPass };
}

export interface Detection {
  box: Rect;
  score: number;
  /** The detector's five points (yunet): image-left eye, image-right eye, nose tip, mouth corners. */
  points5?: Point[];
}

/** Extra passes for one frame (the small-face pass, smallfaces.ts). */
export interface DetectOptions {
  /** Regions of the frame, each seen again at its own scale. */
  regions?: YunetRegion[] | undefined;
  /**
   * Candidates: boxes of the whole-frame pass scoring at least `minScore` but under the
   * detector's own minScore, lower than `maxHeight` frame pixels, are looked at again in a window
   * at `scale` (smallfaces.ts windowsAround); a face found there at the detector's minScore counts.
   */
  candidates?: CandidateSettings | undefined;
  /**
   * Where the camera's faces were in its last frames (frame pixels): each box lower than
   * `maxHeight` that no detection of this frame overlaps (a face turned, occluded or too small
   * this time) is looked for again in a window at `scale` (smallfaces.ts windowsAround).
   */
  recheck?: RecheckSettings | undefined;
}

/** Only the small-face options that are set (what the engine, the pool and its workers pass on). */
export function pickDetectOptions(o: DetectOptions): DetectOptions {
  return {
    ...(o.regions?.length ? { regions: o.regions } : {}),
    ...(o.candidates ? { candidates: o.candidates } : {}),
    ...(o.recheck ? { recheck: o.recheck } : {}),
  };
}

export interface RecheckSettings {
  boxes: Rect[];
  maxHeight: number;
  margin: number;
  maxWindows: number;
  scale: number;
}

export interface CandidateSettings {
  minScore: number;
  maxHeight: number;
  margin: number;
  maxWindows: number;
  scale: number;
}

export interface FaceDetector {
  readonly model: 'ssd' | 'yunet';
  detect(img: RgbImage, opts?: DetectOptions): Promise<Detection[]>;
}

const SSD_SIZE = 512;

const bigEnough = <T extends Detection>(ds: T[], minFaceSize: number) => ds.filter((d) => d.box.height >= minFaceSize && d.box.width >= 1);

export class SsdDetector implements FaceDetector {
  readonly model = 'ssd';

  constructor(private readonly session: ort.InferenceSession, private readonly anchors: Float32Array, private readonly settings: DetectorSettings) {}

  /** One detector pass over `canvas` (image pixels out); `mirror` runs it on the mirrored input. */
  async detectPass(img: RgbImage, canvas: Canvas, minScore: number, mirror = false): Promise<Detection[]> {
    const chip = resampleCanvas(img, canvas, { x: 0, y: 0, width: img.width, height: img.height }, SSD_SIZE);
    if (mirror) mirrorChip(chip, SSD_SIZE);
    const input = new Float32Array(3 * SSD_SIZE * SSD_SIZE);
    packNchw(chip, SSD_SIZE, 'ssd', input, 0);
    const out = await run(this.session, input, [1, 3, SSD_SIZE, SSD_SIZE]);
    const cands = nms(decodeSsd(out.boxes!, out.logits!, this.anchors, 0, minScore), this.settings.nmsIou);
    return cands.map((c) => ({ box: toImageRect(mirror ? unmirror(c) : c, canvas, img.width, img.height), score: c.score }));
  }

  /**
   * The letterbox pass, then (per detector.padPass) the padded passes; with `empty` they stop
   * at the first pass that finds a face of at least minFaceSize.
   */
  async detect(img: RgbImage): Promise<Detection[]> {
    const { minScore, padPass, padFactors, padMirror, nmsIou, minFaceSize } = this.settings;
    let dets = bigEnough(await this.detectPass(img, letterboxCanvas(img.width, img.height), minScore), minFaceSize);
    if (padPass === 'off') return dets;
    for (const pass of padPasses(padFactors, padMirror)) {
      if (padPass === 'empty' && dets.length > 0) break;
      const found = bigEnough(await this.detectPass(img, letterboxCanvas(img.width, img.height, pass.factor), minScore, pass.mirror), minFaceSize);
      dets = mergeDetections([...dets, ...found], nmsIou);
    }
    return dets;
  }
}

export class YunetDetector implements FaceDetector {
  readonly model = 'yunet';
  /**
   * Input tensors not in use, for the next frame of the same size (a 1080p frame's is 3 MB;
   * allocating one per frame kept the garbage collector busy). One per run in flight: frames
   * overlap in a worker, and onnxruntime reads the tensor until its run resolves.
   */
  private spare: Float32Array[] = [];

  constructor(private readonly session: ort.InferenceSession, private readonly settings: DetectorSettings) {}

  private async runInput(input: YunetInput, tensor: Float32Array): Promise<Record<string, Float32Array>> {
    return run(this.session, tensor, [1, 3, input.height, input.width]);
  }

  /** The whole frame, scaled to at most detector.inputWidth: faces in frame pixels, before NMS. */
  async framePass(img: RgbImage, minScore = this.settings.minScore): Promise<Array<Required<Detection>>> {
    const input = yunetInput(img.width, img.height, this.settings.inputWidth);
    const size = 3 * input.width * input.height;
    const tensor = packYunet(img, input, this.spare.find((t) => t.length === size) ?? new Float32Array(size));
    this.spare = this.spare.filter((t) => t !== tensor);
    try {
      return decodeYunet(await this.runInput(input, tensor), input, minScore);
    } finally {
      this.spare = [tensor, ...this.spare].slice(0, 4);
    }
  }

  /**
   * The frame centred on a square canvas `factor` times its longer side (zeros around it): for a
   * face that fills the frame (a passport photo, LFW's tight crops), which YuNet, trained on
   * whole scenes, can miss. Faces in frame pixels, before NMS.
   */
  async paddedPass(img: RgbImage, factor: number): Promise<Array<Required<Detection>>> {
    const canvas = letterboxCanvas(img.width, img.height, factor);
    const max = this.settings.inputWidth > 0 ? this.settings.inputWidth : canvas.side;
    const size = Math.max(32, Math.ceil(Math.min(canvas.side, max) / 32) * 32);
    const chip = resampleCanvas(img, canvas, { x: 0, y: 0, width: img.width, height: img.height }, size);
    const input: YunetInput = { width: size, height: size, scale: size / canvas.side };
    const tensor = new Float32Array(3 * size * size);
    const plane = size * size;
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) tensor[(2 - c) * plane + i] = chip[i * 3 + c]!;
    return offsetFaces(decodeYunet(await this.runInput(input, tensor), input, this.settings.minScore), canvas.ox, canvas.oy);
  }

  /** One region of the frame at its own scale (YunetRegion): faces in frame pixels, before NMS. */
  async regionPass(img: RgbImage, region: YunetRegion): Promise<Array<Required<Detection>>> {
    const { input, tensor } = packYunetRegion(img, region);
    const faces = offsetFaces(decodeYunet(await this.runInput(input, tensor), input, this.settings.minScore), region.x, region.y);
    return faces.filter((f) => !cutByRegion(f.box, region, img.width, img.height));
  }

  async detect(img: RgbImage, opts: DetectOptions = {}): Promise<Detection[]> {
    const { nmsIou, minFaceSize, padPass, padFactors } = this.settings;
    const finish = (ds: Array<Required<Detection>>) =>
      plausibleFaces(bigEnough(mergeDetections(ds, nmsIou), minFaceSize)).map((d) => ({ ...d, box: clipToFrame(d.box, img.width, img.height) }));
    const c = opts.candidates;
    const all = await this.framePass(img, c ? Math.min(c.minScore, this.settings.minScore) : this.settings.minScore);
    const found = all.filter((d) => d.score >= this.settings.minScore);
    const regions = [...(opts.regions ?? [])];
    if (c) {
      const weak = mergeDetections(all.filter((d) => d.score < this.settings.minScore && d.box.height < c.maxHeight), nmsIou);
      const outside = weak.filter((d) => !regions.some((r) => inside(d.box, r)));
      regions.push(...windowsAround(img.width, img.height, outside.map((d) => d.box), c));
    }
    for (const region of regions) found.push(...(await this.regionPass(img, region)));
    const r = opts.recheck;
    const again = r ? windowsAround(img.width, img.height, lostBoxes(r.boxes, found, regions), r) : [];
    for (const region of again) found.push(...(await this.regionPass(img, region)));
    let dets = finish(found);
    if (padPass === 'off') return dets;
    for (const factor of padFactors) {
      if (padPass === 'empty' && dets.length > 0) break;
      dets = finish([...dets, ...(await this.paddedPass(img, factor))]);
    }
    return dets;
  }
}

/**
 * Pure: the boxes of the last frames that no detection of this frame overlaps (IoU >= 0.2, or
 * its centre inside the box) and that no region of this frame held whole (seen at a larger scale already).
 */
export function lostBoxes(last: readonly Rect[], found: ReadonlyArray<{ box: Rect }>, regions: readonly YunetRegion[]): Rect[] {
  return last.filter((b) => !regions.some((r) => inside(b, r)) && !found.some((d) => seenAgain(d.box, b)));
}

function seenAgain(d: Rect, b: Rect): boolean {
  const cx = d.x + d.width / 2, cy = d.y + d.height / 2;
  return (cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height) || rectIou(d, b) >= 0.2;
}

/** Is the box wholly inside the region (already seen again there)? */
function inside(b: Rect, r: YunetRegion): boolean {
  return b.x >= r.x && b.y >= r.y && b.x + b.width <= r.x + r.width && b.y + b.height <= r.y + r.height;
}

/**
 * A face box that reaches a region's edge inside the frame (within a tenth of its size) is a face
 * cut by the region: part of a face the whole-frame pass or a neighbouring region sees whole.
 * Kept, its high score and short box would replace the whole face's in the merge.
 */
export function cutByRegion(b: Rect, r: YunetRegion, width: number, height: number): boolean {
  const m = 0.1 * Math.min(b.width, b.height);
  return (r.x > 0 && b.x < r.x + m) || (r.y > 0 && b.y < r.y + m)
    || (r.x + r.width < width && b.x + b.width > r.x + r.width - m) || (r.y + r.height < height && b.y + b.height > r.y + r.height - m);
}
