/** The faces stage: frame -> face boxes, 68 landmarks and 128-d descriptors. */
export type { RgbImage, Rect } from './preprocess.js';
export { loadImage, type LoadedImage } from './image.js';
export { FaceEngine, type FaceResult, type Alignment, type Detection } from './engine.js';
export { ensureModels, defaultModelDir, type ModelFiles } from './models.js';
export type { Provider } from './sessions.js';
export { FacePool } from './pool.js';
