/**
 * Pure: a person's route, their sightings across cameras in time order. Sightings on one camera
 * less than `gapMs` apart are one visit (visits.ts); the route lists the visits by start time,
 * each with the time since the previous visit ended (negative: the two overlap, e.g. cameras
 * whose views overlap) and whether it moved to another camera.
 */
import { formatOffset } from '../feed/footage-time.js';
import { visitsOf, type SightingLike } from './visits.js';

export interface RouteSighting extends SightingLike {
  faceId: number;
  /** Where the sighting is in its source (seconds into a file, image index, ...). */
  framePos: number;
}

export interface Leg {
  camera: string;
  start: number;
  end: number;
  faces: number;
  /** The first and last sighting of the visit (thumbnails, footage position). */
  firstFaceId: number;
  lastFaceId: number;
  firstPos: number;
  lastPos: number;
  /** ms from the previous leg's end to this one's start; null for the first leg. */
  sincePrevious: number | null;
  /** True when the previous leg was on another camera. */
  moved: boolean;
}

export function routeOf(sightings: readonly RouteSighting[], gapMs: number): Leg[] {
  const legs: Leg[] = [];
  for (const v of visitsOf(sightings, gapMs)) {
    const prev = legs[legs.length - 1];
    legs.push({
      camera: v.camera,
      start: v.start,
      end: v.end,
      faces: v.faces,
      firstFaceId: v.first.faceId,
      lastFaceId: v.last.faceId,
      firstPos: v.first.framePos,
      lastPos: v.last.framePos,
      sincePrevious: prev ? v.start - prev.end : null,
      moved: prev !== undefined && prev.camera !== v.camera,
    });
  }
  return legs;
}

/** The cameras in the order the person reached them (a camera again after another counts again). */
export function cameraSequence(legs: readonly Leg[]): string[] {
  const out: string[] = [];
  for (const l of legs) if (out[out.length - 1] !== l.camera) out.push(l.camera);
  return out;
}

/** Where a leg starts in its footage: the offset in a file, the image of a folder, or live. */
export function legPosition(kind: string | undefined, pos: number): string {
  if (kind === 'file') return formatOffset(pos);
  if (kind === 'folder') return `image ${pos}`;
  return 'live';
}
