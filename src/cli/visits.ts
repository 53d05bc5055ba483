/** Pure: a person's sightings grouped into visits (consecutive sightings on one camera less than a gap apart). */
export interface SightingLike {
  cameraId: string;
  ts: number;
}

export interface Visit {
  camera: string;
  start: number;
  end: number;
  faces: number;
}

/**
 * Groups sightings per camera: a sighting joins the camera's current visit when it comes less
 * than `gapMs` after the visit's last sighting, else it starts a new visit. Visits are returned
 * in order of start time (then camera id). Input order does not matter.
 */
export function groupVisits(sightings: readonly SightingLike[], gapMs: number): Visit[] {
  const byCamera = new Map<string, number[]>();
  for (const s of sightings) {
    const list = byCamera.get(s.cameraId) ?? [];
    list.push(s.ts);
    byCamera.set(s.cameraId, list);
  }
  const visits: Visit[] = [];
  for (const [camera, times] of byCamera) {
    times.sort((a, b) => a - b);
    let current: Visit | undefined;
    for (const ts of times) {
      if (current && ts - current.end < gapMs) {
        current.end = ts;
        current.faces++;
      } else {
        current = { camera, start: ts, end: ts, faces: 1 };
        visits.push(current);
      }
    }
  }
  return visits.sort((a, b) => a.start - b.start || (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0));
}
