/** Which kind of feed a camera URL names. */
import { statSync } from 'node:fs';
import type { FeedKind } from './types.js';

/**
 * rtsp:// and rtsps:// -> rtsp; http(s):// -> http; a path that ends in "/" or is an existing
 * folder -> folder; anything else (a video file, file:// URL, GIF...) -> file.
 */
export function feedKind(url: string): FeedKind {
  if (/^rtsps?:\/\//i.test(url)) return 'rtsp';
  if (/^https?:\/\//i.test(url)) return 'http';
  const path = localPath(url);
  if (path.endsWith('/')) return 'folder';
  try {
    if (statSync(path).isDirectory()) return 'folder';
  } catch {
    // a missing path is reported when the feed opens
  }
  return 'file';
}

/** file:///x -> /x; other strings unchanged. */
export function localPath(url: string): string {
  if (/^file:\/\//i.test(url)) return decodeURIComponent(new URL(url).pathname);
  return url;
}
