/**
 * The quality gate: which faces are reliable enough to cluster. It runs on the faces stage's
 * output before the store (src/daemon/pipeline.ts). Faces that fail it are still stored as
 * sightings, but kept out of the index and of identity clustering (counted as "not
 * clusterable" in status and eval).
 *
 * Why: descriptors of tiny, blurry faces sit close to each other whoever they show. On the
 * sample clips dlib's recipe put 39 faces of at least five people (nearly all 15-35 px high)
 * into one cluster; keeping faces >= 40 px high removed that (shared/notes/face-models.md).
 * Defaults (config `quality`): box height >= 40 px, eye distance >= 0 (off), sharpness >= 0
 * (off), detector score >= 0.5.
 */
import type { Config } from '../config/schema.js';
import type { FaceQuality } from './types.js';

/** What the gate judges: a face's quality (types.ts; yaw undefined when unknown, e.g. an older eval cache) and its detector score. */
export type GateInput = Omit<FaceQuality, 'yaw'> & Partial<Pick<FaceQuality, 'yaw'>> & { score: number };

type QualityConfig = Pick<Config['quality'], 'minFaceHeight' | 'minSharpness' | 'minScore'> & { minEyeDistance?: number; maxYaw?: number; minEyeRatio?: number };

/** True when the face passes every configured threshold (a threshold of 0 is off). */
export function isClusterable(face: GateInput, cfg: QualityConfig): boolean {
  if (![face.height, face.eyeDistance, face.sharpness, face.score].every(Number.isFinite)) return false;
  return (
    face.height >= cfg.minFaceHeight &&
    face.eyeDistance >= (cfg.minEyeDistance ?? 0) &&
    face.eyeDistance >= (cfg.minEyeRatio ?? 0) * face.height &&
    face.sharpness >= cfg.minSharpness &&
    face.score >= cfg.minScore &&
    (!cfg.maxYaw || face.yaw === undefined || face.yaw <= cfg.maxYaw)
  );
}

/**
 * The single number stored in `faces.quality`: the face height in pixels, capped by what the
 * sharpness allows when a sharpness floor is set (a blurry big face counts as a smaller one).
 */
export function qualityScore(face: GateInput, cfg: QualityConfig): number {
  if (!Number.isFinite(face.height)) return 0;
  if (cfg.minSharpness > 0 && Number.isFinite(face.sharpness) && face.sharpness < cfg.minSharpness) {
    return face.height * (face.sharpness / cfg.minSharpness);
  }
  return face.height;
}
