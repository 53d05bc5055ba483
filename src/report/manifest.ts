/** Pure: the evidence manifest of one person's sightings (JSON and CSV) and what is missing. */
import { formatOffset } from '../feed/footage-time.js';
import type { ReportFace } from '../store/report.js';
import { csvField } from './csv.js';
import type { WrittenRecord } from './owned.js';

export interface ManifestEntry {
  faceId: number;
  trackId: number | null;
  camera: string;
  /** file | folder | rtsp | http */
  kind: string;
  /** The video or image file; null for live streams. */
  source: string | null;
  sha256: string | null;
  /** Files: seconds from the start; folders: the image index. */
  offset: number;
  /** hh:mm:ss.mmm for files. */
  offsetText: string | null;
  frameIndex: number | null;
  wallTime: string;
  timeSource: string | null;
  box: { x: number; y: number; width: number; height: number };
  /** Files written, relative to the export folder (null: not exported, see `note`). */
  crop: string | null;
  frame: string | null;
  thumbnail: string | null;
  note: string | null;
}

export interface Manifest {
  faceidx: 'evidence';
  person: number;
  label: string | null;
  exportedAt: string;
  /** Source files that could not be read: their sightings are listed without frames. */
  missing: string[];
  sightings: ManifestEntry[];
  /** Every file of the export with its sha256 (the next export into the folder removes exactly these). */
  written?: WrittenRecord;
}

export function manifestEntry(f: ReportFace, cam: { kind: string; timeSource: string | null } | undefined, sha256: string | null): ManifestEntry {
  const kind = cam?.kind ?? 'unknown';
  return {
    faceId: f.id, trackId: f.trackId, camera: f.cameraId, kind, source: f.source, sha256,
    offset: f.framePos, offsetText: kind === 'file' ? formatOffset(f.framePos) : null, frameIndex: f.frameIndex,
    wallTime: new Date(f.ts).toISOString(), timeSource: cam?.timeSource ?? null, box: f.box,
    crop: null, frame: null, thumbnail: null, note: null,
  };
}

export const MANIFEST_CSV_HEADER = [
  'face_id', 'track_id', 'camera', 'source', 'sha256', 'offset_s', 'offset', 'frame_index', 'wall_time', 'time_source',
  'x', 'y', 'width', 'height', 'crop', 'frame', 'thumbnail', 'note',
] as const;

export function manifestCsv(m: Manifest): string {
  const lines = [MANIFEST_CSV_HEADER.join(',')];
  for (const e of m.sightings) {
    lines.push(
      [e.faceId, e.trackId, e.camera, e.source, e.sha256, e.offset, e.offsetText, e.frameIndex, e.wallTime, e.timeSource,
        e.box.x, e.box.y, e.box.width, e.box.height, e.crop, e.frame, e.thumbnail, e.note].map(csvField).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
