/** The feed stage: camera URLs in, exact RGB frames with timestamps out. */
export type { Frame, FeedState, FeedStatus, FeedKind } from './types.js';
export { CameraFeed, type CameraFeedOptions, effectiveStallMs } from './camera-feed.js';
export { redactUrl, redactText } from '../redact.js';
export { feedKind } from './kind.js';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
