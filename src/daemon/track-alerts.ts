/**
 * The pipeline's stored-frame hook as the alert service needs it (pure mapping): one update per
 * track that got a clusterable face in this frame, with the track's aggregate descriptor (the
 * quality-weighted mean of its best faces, src/tracks/quality.ts) and that face. The alert
 * service raises at most one alert per watch entry and track.
 */
import type { TrackUpdate } from '../alerts/service.js';
import type { TrackedFrame } from './tracking.js';

export function trackUpdates(frame: TrackedFrame & { cameraId: string; ts: number }): TrackUpdate[] {
  const out: TrackUpdate[] = [];
  for (const t of frame.tracks) {
    const face = frame.faces.find((f) => f.trackId === t.id && f.clusterable);
    if (!face) continue;
    out.push({ cameraId: frame.cameraId, trackId: t.id, faceId: face.id, descriptor: t.aggregate ?? face.descriptor, ts: frame.ts });
  }
  return out;
}
