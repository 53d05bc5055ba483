/** Face tracks: per-camera association of faces frame to frame, track quality and identity, video constraints. */
export * from './tracker.js';
export * from './quality.js';
export * from './constraints.js';
export { descriptorWeight, judgePair, assign, type AssocSettings } from './association.js';
export { iou, centreDistance, predict, descriptorDistance, type Box } from './geometry.js';
