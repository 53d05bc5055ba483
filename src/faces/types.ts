/**
 * The seam types of a face, defined once: what the faces stage hands on (src/daemon/pipeline.ts,
 * the CLI, eval) and what the quality gate (quality.ts) reads. Frames are src/feed/types.ts.
 */

/** An axis-aligned box in image pixels (top-left corner, size). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How well a face was seen, measured on the image and the aligned chip (the gate's inputs, with the detector score). */
export interface FaceQuality {
  /** Detector box height, pixels. */
  height: number;
  /** Distance between the eye centres, pixels. */
  eyeDistance: number;
  /** Variance of the Laplacian on the aligned chip. */
  sharpness: number;
  /** Head turn: nose-tip offset from the eyes' midpoint in eye distances (align.ts yawOffset5 of points5). */
  yaw: number;
}

/** One face found in an image. */
export interface FaceResult {
  box: Rect;
  /** Detector score, 0-1. */
  score: number;
  /** The 68 landmarks, image pixels (the detector's five points when alignment `five` skipped the landmark net). */
  landmarks: Array<[number, number]>;
  /** Eye centres (image-left first), nose tip, mouth corners (image-left first): for every detector. */
  points5: Array<[number, number]>;
  /** The 128-d descriptor (Euclidean distance; under clustering.threshold: likely one person). */
  descriptor: Float32Array;
  quality: FaceQuality;
}
