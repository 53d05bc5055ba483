/**
 * The faces stage: frame -> face boxes, 68 landmarks and 128-d descriptors, and the quality gate
 * that decides which faces may be clustered. Faces become people later, in src/people.
 */
export type { RgbImage } from './preprocess.js';
export type { Rect, FaceQuality, FaceResult } from './types.js';
export { isClusterable, qualityScore, type GateInput } from './quality.js';
export { loadImage, type LoadedImage } from './image.js';
export { FaceEngine, type Alignment, type Detection } from './engine.js';
export { ensureModels, defaultModelDir, type ModelFiles } from './models.js';
export type { Provider } from './sessions.js';
export { FacePool } from './pool.js';
