/** Pure: a person's sightings grouped into visits (consecutive sightings on one camera less than a gap apart). */
export interface SightingLike {
  cameraId: string;
  ts: number;
}

export interface VisitOf<T extends SightingLike> {
  camera: string;
  start: number;
  end: number;
  faces: number;
  /** The visit's first and last sighting. */
  first: T;
  last: T;
}

const byCameraId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups sightings per camera: a sighting joins the camera's current visit when it comes less
 * than `gapMs` after the visit's last sighting, else it starts a new visit. Visits are returned
 * in order of start time (then camera id). Input order does not matter.
 */
export function visitsOf<T extends SightingLike>(sightings: readonly T[], gapMs: number): Array<VisitOf<T>> {
  const byCamera = new Map<string, T[]>();
  for (const s of sightings) (byCamera.get(s.cameraId) ?? byCamera.set(s.cameraId, []).get(s.cameraId)!).push(s);
  const visits: Array<VisitOf<T>> = [];
  for (const [camera, list] of byCamera) {
    list.sort((a, b) => a.ts - b.ts);
    let current: VisitOf<T> | undefined;
    for (const s of list) {
      if (current && s.ts - current.end < gapMs) {
        current.end = s.ts;
        current.last = s;
        current.faces++;
      } else {
        current = { camera, start: s.ts, end: s.ts, faces: 1, first: s, last: s };
        visits.push(current);
      }
    }
  }
  return visits.sort((a, b) => a.start - b.start || byCameraId(a.camera, b.camera));
}
