/**
 * Track quality and identity (pure).
 *
 * Contract:
 *  - faceQuality(): one number in [0, 1] per face, the product of five credits, each in [0, 1]:
 *      size        box height: 0 at 12 px, 1 at `goodHeight` px and above;
 *      sharpness   variance of the Laplacian on the aligned chip: s / (s + sharpnessHalf);
 *      detector    the detector score;
 *      pose        head turn from the landmarks (yawOffset: 0 frontal, 0.5 nose above an eye):
 *                  1 - yaw / 0.75, so a strongly turned head counts for a third; unknown yaw 0.5;
 *      agreement   distance of the face's descriptor to its track's aggregate before it joined:
 *                  1 up to half of `maxDistance`, falling to 0 at `maxDistance` (a face that
 *                  disagrees with its own track, e.g. a hand or phone in front of it, counts little).
 *    A product, so one bad cue is enough to rank a face low.
 *  - Best faces: a track keeps its `keep` best faces, clusterable ones (those that passed the
 *    quality gate) before any that did not, then by quality. The aggregate descriptor is their
 *    quality-weighted mean (plain mean when every weight is 0); it is recomputed whenever the
 *    best faces change, so it follows the track as it grows.
 *  - A track is identifiable when at least one of its faces passed the quality gate; a track of
 *    faces that are all too small or poor is kept (people who were there still count) but is
 *    never matched to anyone by its descriptor.
 */

export interface FaceSignals {
  height: number;
  sharpness: number;
  score: number;
  /** yawOffset of the landmarks; undefined when unknown. */
  yaw?: number | undefined;
}

export interface QualityShape {
  /** Box height (px) that earns full size credit. */
  goodHeight: number;
  /** Sharpness at which the sharpness credit is one half. */
  sharpnessHalf: number;
  /** Descriptor distance to the track at which agreement credit reaches 0 (tracks.maxDistance). */
  maxDistance: number;
}

const MIN_HEIGHT = 12;
const YAW_ZERO = 0.75;

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

export function sizeCredit(height: number, goodHeight: number): number {
  return clamp01((height - MIN_HEIGHT) / Math.max(1, goodHeight - MIN_HEIGHT));
}

export function sharpnessCredit(sharpness: number, half: number): number {
  if (!(half > 0)) return 1;
  if (!Number.isFinite(sharpness) || sharpness <= 0) return 0;
  return sharpness / (sharpness + half);
}

export function poseCredit(yaw: number | undefined): number {
  if (yaw === undefined || Number.isNaN(yaw)) return 0.5;
  return clamp01(1 - Math.abs(yaw) / YAW_ZERO);
}

/** Agreement with the track: `distance` undefined for a track's first face (nothing to disagree with). */
export function agreementCredit(distance: number | undefined, maxDistance: number): number {
  if (distance === undefined) return 1;
  const free = maxDistance / 2;
  if (distance <= free) return 1;
  return clamp01((maxDistance - distance) / (maxDistance - free));
}

export function faceQuality(face: FaceSignals, distanceToTrack: number | undefined, shape: QualityShape): number {
  return (
    sizeCredit(face.height, shape.goodHeight) *
    sharpnessCredit(face.sharpness, shape.sharpnessHalf) *
    clamp01(face.score) *
    poseCredit(face.yaw) *
    agreementCredit(distanceToTrack, shape.maxDistance)
  );
}

/** A face as a candidate for its track's aggregate. `ref` is the caller's handle on the face. */
export interface RankedFace<R = unknown> {
  ref: R;
  quality: number;
  clusterable: boolean;
  descriptor: Float32Array;
}

/** Better first: clusterable before not, then higher quality. */
export function betterFace(a: RankedFace, b: RankedFace): number {
  if (a.clusterable !== b.clusterable) return a.clusterable ? -1 : 1;
  return b.quality - a.quality;
}

/** The `keep` best of `best` plus `face` (a new array, best first) and whether `face` is now the best. */
export function addBestFace<R>(best: readonly RankedFace<R>[], face: RankedFace<R>, keep: number): { best: RankedFace<R>[]; isTop: boolean } {
  const next = [...best, face].sort(betterFace).slice(0, Math.max(1, keep));
  return { best: next, isTop: next[0] === face };
}

/** Quality-weighted mean of the faces' descriptors (a plain mean when all weights are 0). */
export function aggregateDescriptor(faces: readonly RankedFace[]): Float32Array | undefined {
  const first = faces[0];
  if (!first) return undefined;
  const out = new Float32Array(first.descriptor.length);
  let total = faces.reduce((s, f) => s + Math.max(0, f.quality), 0);
  const uniform = !(total > 0);
  if (uniform) total = faces.length;
  for (const f of faces) {
    const w = uniform ? 1 : Math.max(0, f.quality);
    if (w === 0) continue;
    for (let i = 0; i < out.length; i++) out[i]! += (f.descriptor[i]! * w) / total;
  }
  return out;
}

/**
 * The track's descriptor for matching: the weighted mean of its best faces that passed the
 * quality gate, or of all its best faces when none did (such a track is not identifiable and
 * its aggregate only serves linking within the camera).
 */
export function trackAggregate(best: readonly RankedFace[]): Float32Array | undefined {
  const gated = best.filter((f) => f.clusterable);
  return aggregateDescriptor(gated.length > 0 ? gated : best);
}

/** A track is identifiable when one of its faces passed the quality gate. */
export function isIdentifiable(faces: ReadonlyArray<{ clusterable: boolean }>): boolean {
  return faces.some((f) => f.clusterable);
}
