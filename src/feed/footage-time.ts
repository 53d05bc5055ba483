/**
 * Pure: where a sighting's wall time comes from. Files: the container's `creation_time` (ffprobe
 * format tags) when present, else the camera's `startTime`, else the file's modification time;
 * the wall time of a frame is that start plus its offset. Image folders: each image's
 * modification time. Live streams: the time the frame was received.
 */

/** Which clock a camera's sighting times come from (stored per camera as `time_source`). */
export type TimeSource = 'creation_time' | 'startTime' | 'mtime' | 'receive';

export const TIME_SOURCES: readonly TimeSource[] = ['creation_time', 'startTime', 'mtime', 'receive'];

/** What ffprobe says about a file that footage time needs. */
export interface MediaFacts {
  /** ms since the epoch, from the container's creation_time tag. */
  creationTime?: number;
  /** Frames per second of the first video stream (avg_frame_rate, else r_frame_rate). */
  frameRate?: number;
  /** Seconds of the first video stream (else of the container): one pass of a looping file. */
  durationSec?: number;
}

/** The subset of ffprobe's JSON read here. */
export interface ProbeData {
  format?: { tags?: Record<string, unknown>; duration?: string | number };
  streams?: Array<{ codec_type?: string; avg_frame_rate?: string; r_frame_rate?: string; duration?: string | number }>;
}

/** "30000/1001" -> 29.97; undefined for "0/0" and garbage. */
export function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [n, d] = rate.split('/').map(Number);
  const v = d === undefined ? n : n !== undefined && d !== 0 ? n / d : NaN;
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * A creation_time tag as ms since the epoch. MP4 writers that know no time leave 0 (1904 or
 * 1970): those, and anything unparsable, count as absent.
 */
export function parseCreationTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function mediaFacts(data: ProbeData): MediaFacts {
  const tags = data.format?.tags ?? {};
  const key = Object.keys(tags).find((k) => k.toLowerCase() === 'creation_time');
  const creationTime = key === undefined ? undefined : parseCreationTime(tags[key]);
  const video = data.streams?.find((s) => s.codec_type === 'video');
  const frameRate = parseRate(video?.avg_frame_rate) ?? parseRate(video?.r_frame_rate);
  const seconds = (v: string | number | undefined) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : undefined);
  const durationSec = seconds(video?.duration) ?? seconds(data.format?.duration);
  return { ...(creationTime !== undefined ? { creationTime } : {}), ...(frameRate !== undefined ? { frameRate } : {}), ...(durationSec !== undefined ? { durationSec } : {}) };
}

/** The start of a file's footage: creation_time, else startTime (ISO 8601), else mtime. */
export function fileStartTime(facts: MediaFacts, startTime: string | undefined, mtimeMs: number): { ms: number; source: TimeSource } {
  if (facts.creationTime !== undefined) return { ms: facts.creationTime, source: 'creation_time' };
  if (startTime) return { ms: Date.parse(startTime), source: 'startTime' };
  return { ms: mtimeMs, source: 'mtime' };
}

/** The source frame a decoded frame at `offsetSec` is, given the stream's frame rate. */
export function frameIndexAt(offsetSec: number, frameRate: number | undefined): number | undefined {
  return frameRate === undefined ? undefined : Math.round(offsetSec * frameRate);
}

/** 3723.5 -> "01:02:03.500" (footage offsets). */
export function formatOffset(sec: number): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
