/**
 * Which face of a frame continues which open track (pure).
 *
 * For every (track, face) pair:
 *  - the track's last box is moved to the frame's time by its constant velocity (prediction);
 *  - position: the centre distance to the prediction in face heights must stay within
 *    `maxMove` face heights per second of gap (never under one face height), or the boxes must
 *    overlap (IoU >= 0.3); the face height may at most double or halve;
 *  - descriptor: the distance to the track's aggregate must stay under `maxDistance / w`, where
 *    w (0-1) is the descriptor's weight by face size: 0 up to half of `descriptorHeight`, 1 from
 *    `descriptorHeight` px (small faces have unreliable descriptors, so they link by position);
 *  - cost = (1 - w/2) * position term + (w/2) * descriptor term, each in [0, 1].
 * Feasible pairs are taken greedily, cheapest first: a track gets at most one face and a face at
 * most one track, so two faces of one frame never join one track. A pair that is feasible by
 * position and size but not by descriptor is a "jump": the face starts a new track, split from
 * the track it would have continued (tracker.ts decides what happens to that track) — unless the
 * face is a poor one (strongly turned or blurred: `poor`) and the pair is unambiguous (the only
 * open track in its place, and no other unmatched face in that track's place): then it continues
 * the track as a *sighting* (its descriptor is not trusted; the tracker keeps it out of the
 * track's aggregate and the pipeline out of clustering), since a turned head is not a new person.
 *
 * Blind links (crowds): a pair whose descriptor weight is under BLIND_WEIGHT (a face, or a
 * track's last face, lower than `descriptorHeight`) is decided by position more than by the
 * descriptor, which in a crowd can hop from one person to the next. Such a pair is kept only
 * when it is unambiguous: no other track's place holds the face and no other face is in the
 * track's place, unless that rival is clearly further away (the pair's position term at most
 * BLIND_MARGIN times the rival's). Otherwise the face starts a track of its own: a small face
 * may be left out of its person's track, but it never carries a track on to another person.
 * A blind pair must also be recent (`blindGap`): the track was seen in one of the camera's last
 * BLIND_FRAMES frames. After a longer gap the allowed move (maxMove face heights per second)
 * spans several people; on crowd footage such links carried a track from one person to another
 * 1-2 s later. And its size must agree more closely (BLIND_SCALE instead of MAX_SCALE): a far
 * face changes little in size from one frame to the next, while a head passing in front of it
 * (occlusion) gives a box of another size in the same place. The same recency holds for a poor
 * face continuing a track as a sighting: its descriptor does not back the link either.
 *
 * A face in the place of a track seen in the last few frames (position term at most
 * SIGHTING_POSITION) never continues a track not seen recently, whatever its descriptor says;
 * when it continues nothing it is *contested* (its place says one person, its descriptor
 * another) and the tracker starts its track with it as a sighting.
 */
import { centreDistance, descriptorDistance, iou, predict, type Box, type Velocity } from './geometry.js';

export interface AssocTrack {
  lastBox: Box;
  lastTs: number;
  velocity: Velocity;
  aggregate: Float32Array | undefined;
}

export interface AssocFace {
  box: Box;
  descriptor: Float32Array;
  /** A face too turned or blurred for its descriptor to be trusted (tracker.ts decides). */
  poor?: boolean;
}

export interface AssocSettings {
  maxMove: number;
  maxDistance: number;
  descriptorHeight: number;
  /**
   * Longest gap (ms) a blind pair may span: the tracker sets it to the time since the camera's
   * BLIND_FRAMES-th previous frame, so a small face links only to a track seen in one of the last
   * few frames; undefined: no limit.
   */
  blindGap?: number | undefined;
}

export interface PairVerdict {
  /** Position and size agree. */
  placed: boolean;
  /** Position, size and descriptor agree. */
  feasible: boolean;
  cost: number;
  /** Descriptor distance to the track's aggregate (undefined without one). */
  distance: number | undefined;
  /** Position term alone (ranks jump candidates). */
  position: number;
  /** Weight of the descriptor in this pair (0: position alone). */
  weight: number;
  /** The track was seen within `blindGap` (blind pairs and sightings need it). */
  recent: boolean;
}

const MIN_IOU = 0.3;
/**
 * Descriptor weight under which a pair is blind. 1: any face under descriptorHeight. At 0.5 (faces
 * under 45 px) 40-55 px faces of two people walking side by side still swapped tracks on 1080p
 * crowd footage (src/faces/NOTES.md, "Small faces in 1080p crowds").
 */
export const BLIND_WEIGHT = 1;
/** A blind pair links only to a track seen in one of the camera's last this many analysed frames. */
export const BLIND_FRAMES = 3;
/** A blind pair stands against a rival in the same place only when its position term is at most this times the rival's. */
export const BLIND_MARGIN = 0.5;
/**
 * A poor face continues a track as a sighting only this near the track's predicted place
 * (position term; 1 is the edge of the allowed move): on crowd footage a blurred face a whole
 * move away was another person walking past (src/faces/NOTES.md, "Small faces in 1080p crowds").
 */
export const SIGHTING_POSITION = 0.5;
const MAX_SCALE = 2;
/**
 * A blind pair's face height may differ from the track's predicted height by at most this factor.
 * On crowd footage, a grey-haired man's track (74 px) continued with a 56 px box in the same
 * place: a man in profile walking in front of him (src/faces/NOTES.md).
 */
export const BLIND_SCALE = 1.25;
/** Longest extrapolation of the velocity: beyond it a missed face is assumed to have stopped. */
const PREDICT_CAP_MS = 2000;

/** Weight of the descriptor cue for faces of this height (px). */
export function descriptorWeight(height: number, descriptorHeight: number): number {
  const half = descriptorHeight / 2;
  if (!(half > 0)) return 1;
  return Math.min(1, Math.max(0, (height - half) / half));
}

export function judgePair(track: AssocTrack, face: AssocFace, ts: number, s: AssocSettings): PairVerdict {
  const dt = Math.max(0, ts - track.lastTs);
  const pred = predict(track.lastBox, track.velocity, Math.min(dt, PREDICT_CAP_MS));
  const radius = Math.max(1, (s.maxMove * dt) / 1000);
  const dc = centreDistance(pred, face.box);
  const overlap = iou(pred, face.box);
  const scale = face.box.height / Math.max(1, pred.height);
  const w = descriptorWeight(Math.min(face.box.height, track.lastBox.height), s.descriptorHeight);
  // A blind pair across a longer gap: the allowed move has grown past what position can tell.
  const blind = w < BLIND_WEIGHT;
  const recent = s.blindGap === undefined || dt <= s.blindGap;
  const maxScale = blind ? BLIND_SCALE : MAX_SCALE;
  const placed = (recent || !blind) && (dc <= radius || overlap >= MIN_IOU) && scale <= maxScale && scale >= 1 / maxScale;
  const position = Math.min(1, Math.min(dc / radius, 1 - overlap));
  const distance = track.aggregate ? descriptorDistance(face.descriptor, track.aggregate) : undefined;
  const descOk = distance === undefined || w === 0 || distance <= s.maxDistance / w;
  const descTerm = distance === undefined ? 0 : Math.min(1, distance / s.maxDistance);
  const cost = (1 - w / 2) * position + (w / 2) * descTerm;
  return { placed, feasible: placed && descOk, cost, distance, position, weight: w, recent };
}

export interface Assignment {
  /** Per face: the index of the track it continues, or -1 (a new track). */
  trackOf: number[];
  /** Per face: the verdict of its chosen pair (undefined for new tracks). */
  verdicts: Array<PairVerdict | undefined>;
  /** Indices of unmatched tracks a face split from (descriptor jump). */
  jumped: number[];
  /** Per face: it continues its track as a sighting (a poor face in the track's place, see above). */
  sighting: boolean[];
  /**
   * Per face: it starts a new track, though it sits in the place of a track seen in the last few
   * frames whose descriptor disagrees with it (a contested face: see assign).
   */
  contested: boolean[];
}

/** A face sits in the track's place: the track was seen in the last few frames, and the face is near its prediction. */
const inPlace = (v: PairVerdict) => v.placed && v.recent && v.position <= SIGHTING_POSITION;

/**
 * Greedy one-to-one assignment by cost over feasible pairs, then the jump candidates.
 * A face in the place of a recent track (inPlace) never continues a track not seen recently:
 * after a gap the allowed move spans the crowd, and a face looking down whose descriptor missed
 * its own track's by a little was taken by another person's track from 2.4 s and 700 px before
 * (crowd footage, src/faces/NOTES.md). When it then starts a track of its own, it is contested
 * (the track it sits on says one person, its descriptor another): tracker.ts keeps it out of clustering.
 */
export function assign(tracks: readonly AssocTrack[], faces: readonly AssocFace[], ts: number, s: AssocSettings): Assignment {
  const verdicts = tracks.map((t) => faces.map((f) => judgePair(t, f, ts, s)));
  const anchored = faces.map((_, f) => verdicts.some((row) => inPlace(row[f]!)));
  const pairs: Array<{ t: number; f: number; cost: number }> = [];
  verdicts.forEach((row, t) => row.forEach((v, f) => v.feasible && (v.recent || !anchored[f]) && pairs.push({ t, f, cost: v.cost })));
  pairs.sort((a, b) => a.cost - b.cost || a.t - b.t || a.f - b.f);
  const trackOf = faces.map(() => -1);
  const taken = new Set<number>();
  for (const p of pairs) {
    if (taken.has(p.t) || trackOf[p.f] !== -1) continue;
    taken.add(p.t);
    trackOf[p.f] = p.t;
  }
  dropAmbiguousBlind(verdicts, tracks, faces, trackOf, taken);
  const sighting = continueSightings(verdicts, faces, trackOf, taken);
  const jumped: number[] = [];
  faces.forEach((_, f) => {
    if (trackOf[f] !== -1) return;
    let best = -1;
    tracks.forEach((__, t) => {
      const v = verdicts[t]![f]!;
      if (taken.has(t) || jumped.includes(t) || !v.placed || v.feasible) return;
      if (best === -1 || v.position < verdicts[best]![f]!.position) best = t;
    });
    if (best !== -1) jumped.push(best);
  });
  const contested = faces.map((_, f) => trackOf[f] === -1 && verdicts.some((row) => inPlace(row[f]!) && !row[f]!.feasible));
  return { trackOf, verdicts: trackOf.map((t, f) => (t === -1 ? undefined : verdicts[t]![f])), jumped, sighting, contested };
}

/** Poor unmatched faces that sit alone in the place of exactly one free track continue it (mutates trackOf, taken). */
function continueSightings(verdicts: PairVerdict[][], faces: readonly AssocFace[], trackOf: number[], taken: Set<number>): boolean[] {
  const sighting = faces.map(() => false);
  const unmatched = faces.map((_, f) => f).filter((f) => trackOf[f] === -1);
  const free = verdicts.map((_, t) => t).filter((t) => !taken.has(t));
  for (const f of unmatched) {
    if (!faces[f]!.poor) continue;
    const places = free.filter((t) => inPlace(verdicts[t]![f]!));
    if (places.length !== 1) continue;
    const t = places[0]!;
    if (taken.has(t) || unmatched.some((g) => g !== f && trackOf[g] === -1 && verdicts[t]![g]!.placed)) continue;
    trackOf[f] = t;
    taken.add(t);
    sighting[f] = true;
  }
  return sighting;
}

/**
 * Undoes blind links (weight under BLIND_WEIGHT) that a placed rival contests: another track
 * whose place holds the face, or another face in the track's place, with the pair's position
 * term above BLIND_MARGIN times the rival's (mutates trackOf, taken). The face starts a new track.
 * A rival whose box overlaps the pair's (a second box on the same head: hair above a face looking
 * down, which the detector gives at full resolution) is the same head, not another person.
 */
function dropAmbiguousBlind(verdicts: PairVerdict[][], tracks: readonly AssocTrack[], faces: readonly AssocFace[], trackOf: number[], taken: Set<number>): void {
  const outranked = (pos: number, rivals: PairVerdict[]) => rivals.some((v) => v.placed && pos > BLIND_MARGIN * v.position);
  trackOf.forEach((t, f) => {
    if (t === -1) return;
    const v = verdicts[t]![f]!;
    if (v.weight >= BLIND_WEIGHT) return;
    const otherTracks = verdicts.filter((_, u) => u !== t && iou(tracks[u]!.lastBox, tracks[t]!.lastBox) === 0).map((row) => row[f]!);
    const otherFaces = verdicts[t]!.filter((_, g) => g !== f && iou(faces[g]!.box, faces[f]!.box) === 0);
    if (!outranked(v.position, otherTracks) && !outranked(v.position, otherFaces)) return;
    trackOf[f] = -1;
    taken.delete(t);
  });
}
