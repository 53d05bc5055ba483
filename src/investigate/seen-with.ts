/**
 * Pure: who was seen together with a person. Another person's sighting counts when it is on
 * the same camera as one of the person's, at most `windowMs` apart (0: in the same frame only;
 * faces of one frame share their camera and time). Such sightings, per other person and camera,
 * form moments: a new moment starts when the previous one's last such sighting is more than
 * `windowMs` earlier. Companions are ranked by how often they were together (moments), then by
 * the frames they shared, then by the sightings together, then by id.
 */
export interface Sighting {
  faceId: number;
  personId: number;
  cameraId: string;
  ts: number;
}

export interface Moment {
  camera: string;
  start: number;
  end: number;
  /** Frames both were in. */
  sameFrames: number;
  /** The other person's sightings within the window of one of the person's. */
  sightings: number;
  /** A face of each at their closest (same frame when they shared one): thumbnails, evidence. */
  faceId: number;
  otherFaceId: number;
}

export interface Companion {
  personId: number;
  moments: Moment[];
  sameFrames: number;
  sightings: number;
  cameras: string[];
  first: number;
  last: number;
}

interface Near {
  other: Sighting;
  mine: Sighting;
  gap: number;
}

/** The person's sighting nearest in time to `ts` in a list sorted by time. */
function nearest(list: readonly Sighting[], ts: number): Sighting {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  const after = list[lo]!;
  const before = lo > 0 ? list[lo - 1]! : after;
  return Math.abs(before.ts - ts) <= Math.abs(after.ts - ts) ? before : after;
}

function moments(camera: string, near: readonly Near[], windowMs: number): Moment[] {
  type Open = Moment & { frames: Set<number>; best: number; lastOther: number };
  const out: Open[] = [];
  let cur: Open | undefined;
  for (const n of [...near].sort((a, b) => a.other.ts - b.other.ts || a.other.faceId - b.other.faceId)) {
    const { other, mine, gap } = n;
    if (!cur || other.ts - cur.lastOther > windowMs) {
      cur = { camera, start: Math.min(other.ts, mine.ts), end: Math.max(other.ts, mine.ts), sameFrames: 0, sightings: 0, faceId: mine.faceId, otherFaceId: other.faceId, frames: new Set(), best: gap, lastOther: other.ts };
      out.push(cur);
    }
    cur.start = Math.min(cur.start, other.ts, mine.ts);
    cur.end = Math.max(cur.end, other.ts, mine.ts);
    cur.lastOther = other.ts;
    cur.sightings++;
    if (gap === 0) cur.frames.add(other.ts);
    if (gap < cur.best) {
      cur.best = gap;
      cur.faceId = mine.faceId;
      cur.otherFaceId = other.faceId;
    }
  }
  return out.map(({ frames, best: _best, lastOther: _last, ...m }) => ({ ...m, sameFrames: frames.size }));
}

/**
 * The people seen with the person whose sightings are `mine`, from `others` (sightings of
 * other people on those cameras around those times; any order), ranked (see above).
 */
export function seenWith(mine: readonly Sighting[], others: readonly Sighting[], windowMs: number): Companion[] {
  const byCamera = new Map<string, Sighting[]>();
  for (const s of mine) (byCamera.get(s.cameraId) ?? byCamera.set(s.cameraId, []).get(s.cameraId)!).push(s);
  for (const list of byCamera.values()) list.sort((a, b) => a.ts - b.ts);
  const self = new Set(mine.map((s) => s.personId));
  const near = new Map<number, Map<string, Near[]>>();
  for (const o of others) {
    const list = byCamera.get(o.cameraId);
    if (!list || self.has(o.personId)) continue;
    const m = nearest(list, o.ts);
    const gap = Math.abs(m.ts - o.ts);
    if (gap > windowMs) continue;
    const cams = near.get(o.personId) ?? near.set(o.personId, new Map()).get(o.personId)!;
    (cams.get(o.cameraId) ?? cams.set(o.cameraId, []).get(o.cameraId)!).push({ other: o, mine: m, gap });
  }
  const companions: Companion[] = [];
  for (const [personId, cams] of near) {
    const all = [...cams].flatMap(([camera, list]) => moments(camera, list, windowMs)).sort((a, b) => a.start - b.start || (a.camera < b.camera ? -1 : 1));
    companions.push({
      personId,
      moments: all,
      sameFrames: all.reduce((n, m) => n + m.sameFrames, 0),
      sightings: all.reduce((n, m) => n + m.sightings, 0),
      cameras: [...cams.keys()].sort(),
      first: all[0]!.start,
      last: Math.max(...all.map((m) => m.end)),
    });
  }
  return companions.sort((a, b) => b.moments.length - a.moments.length || b.sameFrames - a.sameFrames || b.sightings - a.sightings || a.personId - b.personId);
}

/**
 * The time ranges to look for others in: the person's sightings on each camera, widened by the
 * window and joined where they touch (so the store is asked once per stretch, not per sighting).
 */
export function searchRanges(mine: readonly Sighting[], windowMs: number): Array<{ camera: string; from: number; to: number }> {
  const byCamera = new Map<string, number[]>();
  for (const s of mine) (byCamera.get(s.cameraId) ?? byCamera.set(s.cameraId, []).get(s.cameraId)!).push(s.ts);
  const out: Array<{ camera: string; from: number; to: number }> = [];
  for (const [camera, times] of [...byCamera].sort(([a], [b]) => (a < b ? -1 : 1))) {
    times.sort((a, b) => a - b);
    let cur: { camera: string; from: number; to: number } | undefined;
    for (const t of times) {
      if (cur && t - windowMs <= cur.to) cur.to = t + windowMs;
      else {
        cur = { camera, from: t - windowMs, to: t + windowMs };
        out.push(cur);
      }
    }
  }
  return out;
}
