/**
 * Face tracks per camera (pure: no I/O, no clock, no randomness).
 *
 * Contract:
 *  - step(frame, faces) takes one analysed frame of one camera, in the camera's frame order, and
 *    returns, per face in input order, the track it joins (an open one, or a new one), plus the
 *    tracks that ended at this frame and why.
 *  - Two faces of one frame never join one track; a track gets at most one face per frame.
 *  - Before linking, the camera's open tracks end:
 *      'resize'   the frame size differs from the camera's previous frame (camera reconfigured);
 *      'restart'  the feed restarted or jumped back (frame.run changed, ts or pos went backwards);
 *      'scene'    the frame's scene signature correlates less than `sceneCut` with the previous
 *                 frame's (a shot change, the camera turned; sceneCorrelation());
 *      'gap'      a track unseen for longer than `maxGap` ms (measured on frame ts).
 *    A descriptor jump: a face where a track's face should be, whose descriptor disagrees with
 *    the track's aggregate (association.ts), starts a new track: the track splits there. The
 *    old track stays open, so one odd face (a hand in front of it, motion blur, a bad box) does
 *    not cut it: the next face that agrees continues it. If none does within maxGap it ends
 *    with reason 'jump' (instead of 'gap'). A poor face (turned or blurred, `isPoor`) alone in
 *    one track's place continues that track instead, as a sighting (association.ts).
 *  - A still image (frame.still, a folder feed) never links: each face is a new track that ends
 *    at once ('still').
 *  - end(camera, reason) ends every open track of a camera (feed ended or stopped).
 *  - Track keys come from `nextKey` (default 1, 2, 3, ...): the caller maps them to stored ids.
 *  - Each link carries the face's track quality (quality.ts) and whether it is now the track's
 *    best face; the snapshot carries the aggregate descriptor, updated as the track grows.
 */
import { assign, BLIND_FRAMES, type AssocSettings } from './association.js';
import { STILL, updateVelocity, type Box, type Velocity } from './geometry.js';
import { addBestFace, faceQuality, poseCredit, sharpnessCredit, trackAggregate, type QualityShape, type RankedFace } from './quality.js';

/** Head turn credit under which a face is poor (|yaw| over about 0.26: the nose past a third of the way to an eye). */
const POOR_POSE = 0.65;

/** Too turned or too blurred for its descriptor to decide against its track (association.ts). */
export function isPoor(face: TrackFace, shape: Pick<QualityShape, 'sharpnessHalf'>): boolean {
  return (face.quality.yaw !== undefined && poseCredit(face.quality.yaw) < POOR_POSE) || sharpnessCredit(face.quality.sharpness, shape.sharpnessHalf) < 0.5;
}

export type EndReason = 'gap' | 'scene' | 'resize' | 'restart' | 'jump' | 'still' | 'feed-end' | 'interrupted';

export interface TrackerSettings extends AssocSettings, QualityShape {
  /** ms a track may go unseen before it ends. */
  maxGap: number;
  /** Scene signatures correlating less than this with the previous frame's mark a cut; 0 turns it off. */
  sceneCut: number;
  /** Faces averaged into the track's aggregate descriptor. */
  bestFaces: number;
}

export interface TrackFrame {
  cameraId: string;
  ts: number;
  pos: number;
  width: number;
  height: number;
  /** A still image (folder feed): no linking across images. */
  still?: boolean | undefined;
  /** Feed run number: a new value means the feed restarted. */
  run?: number | undefined;
  /** sceneSignature of the frame (src/feed/scene.ts); without it no scene-cut check. */
  signature?: Float32Array | undefined;
}

export interface TrackFace {
  box: Box;
  score: number;
  descriptor: Float32Array;
  quality: { height: number; sharpness: number; yaw?: number | undefined };
  /** Passed the quality gate. */
  clusterable: boolean;
}

export interface TrackSnapshot {
  key: number;
  cameraId: string;
  firstTs: number;
  lastTs: number;
  firstPos: number;
  lastPos: number;
  faces: number;
  /** Track quality: its best face's quality. */
  quality: number;
  aggregate: Float32Array | undefined;
  identifiable: boolean;
}

export interface FaceLink {
  track: TrackSnapshot;
  isNew: boolean;
  /** This face's track quality (0-1). */
  quality: number;
  /** Descriptor distance to the track's aggregate before the face joined (undefined for a new track). */
  distance: number | undefined;
  /** The face is now its track's best face. */
  isBest: boolean;
  /**
   * A poor face (turned, blurred) whose descriptor disagrees with its track but which sits alone
   * in the track's place: it continues the track as a sighting and must not be clustered.
   */
  sighting?: boolean;
}

export interface EndedTrack {
  track: TrackSnapshot;
  reason: EndReason;
}

export interface FrameTracks {
  links: FaceLink[];
  ended: EndedTrack[];
}

interface OpenTrack extends TrackSnapshot {
  /** A face split from this track since it was last extended. */
  jumped: boolean;
  lastBox: Box;
  velocity: Velocity;
  best: RankedFace<number>[];
}

interface CameraState {
  width: number;
  height: number;
  ts: number;
  pos: number;
  run: number | undefined;
  signature: Float32Array | undefined;
  open: OpenTrack[];
  /** Times of the camera's last BLIND_FRAMES analysed frames, newest first (blind links). */
  recent: number[];
}

/** A signature whose grey levels spread less than this (standard deviation) is flat: a black or uniform frame. */
const FLAT_STD = 2;

/**
 * Pearson correlation of two scene signatures (src/feed/scene.ts): 1 for the same layout of
 * light and dark, near 0 after a cut. Two flat frames correlate 1; a flat and a textured one 0.
 */
export function sceneCorrelation(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const flatA = Math.sqrt(saa / n) < FLAT_STD;
  const flatB = Math.sqrt(sbb / n) < FLAT_STD;
  if (flatA || flatB) return flatA && flatB ? 1 : 0;
  return sab / Math.sqrt(saa * sbb);
}

const snapshot = (t: OpenTrack): TrackSnapshot => ({
  key: t.key, cameraId: t.cameraId, firstTs: t.firstTs, lastTs: t.lastTs, firstPos: t.firstPos, lastPos: t.lastPos,
  faces: t.faces, quality: t.quality, aggregate: t.aggregate, identifiable: t.identifiable,
});

export class Tracker {
  private readonly cameras = new Map<string, CameraState>();
  private keys = 0;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly nextKey: () => number = () => ++this.keys,
  ) {}

  /** Open tracks of a camera (snapshots). */
  open(cameraId: string): TrackSnapshot[] {
    return (this.cameras.get(cameraId)?.open ?? []).map(snapshot);
  }

  /** Ends every open track of the camera and forgets its frame history. */
  end(cameraId: string, reason: EndReason): EndedTrack[] {
    const st = this.cameras.get(cameraId);
    this.cameras.delete(cameraId);
    return (st?.open ?? []).map((t) => ({ track: snapshot(t), reason }));
  }

  /**
   * Forgets open tracks without ending them (their faces were erased: forget, retention). The
   * next faces where they were start new tracks, with nothing of the erased faces in them.
   */
  drop(keys: ReadonlySet<number>): void {
    for (const st of this.cameras.values()) st.open = st.open.filter((t) => !keys.has(t.key));
  }

  step(frame: TrackFrame, faces: readonly TrackFace[]): FrameTracks {
    const st = this.cameraState(frame);
    const ended = this.endBeforeLinking(st, frame);
    if (frame.still) {
      const links = faces.map((f) => this.startTrack(st, frame, f));
      st.open = [];
      return { links, ended: [...ended, ...links.map((l) => ({ track: l.track, reason: 'still' as const }))] };
    }
    const assoc = faces.map((f) => ({ box: f.box, descriptor: f.descriptor, poor: isPoor(f, this.settings) }));
    const blindGap = st.recent.length >= BLIND_FRAMES ? frame.ts - st.recent[BLIND_FRAMES - 1]! : undefined;
    st.recent = [frame.ts, ...st.recent].slice(0, BLIND_FRAMES);
    const { trackOf, verdicts, jumped, sighting, contested } = assign(st.open, assoc, frame.ts, { ...this.settings, blindGap });
    const links = faces.map((f, i) => {
      const t = st.open[trackOf[i]!];
      // A contested face (association.ts) starts its track as a sighting: who it is stays open.
      if (!t && contested[i]) return { ...this.startTrack(st, frame, { ...f, clusterable: false }), sighting: true };
      if (!t) return this.startTrack(st, frame, f);
      // A sighting stays in its track but is not trusted: out of the aggregate, out of clustering.
      if (sighting[i]) return { ...this.extend(t, frame, { ...f, clusterable: false }, verdicts[i]!.distance), sighting: true };
      return this.extend(t, frame, f, verdicts[i]!.distance);
    });
    for (const i of jumped) st.open[i]!.jumped = true;
    return { links, ended };
  }

  private cameraState(frame: TrackFrame): CameraState {
    let st = this.cameras.get(frame.cameraId);
    if (!st) {
      st = { width: frame.width, height: frame.height, ts: frame.ts, pos: frame.pos, run: frame.run, signature: frame.signature, open: [], recent: [] };
      this.cameras.set(frame.cameraId, st);
    }
    return st;
  }

  /** Cuts (size, restart, scene) end every open track; then tracks unseen for maxGap end. */
  private endBeforeLinking(st: CameraState, frame: TrackFrame): EndedTrack[] {
    const reason = this.cut(st, frame);
    const ended: EndedTrack[] = [];
    const keep: OpenTrack[] = [];
    for (const t of st.open) {
      const why = reason ?? (frame.ts - t.lastTs > this.settings.maxGap ? (t.jumped ? 'jump' : 'gap') : undefined);
      if (why) ended.push({ track: snapshot(t), reason: why });
      else keep.push(t);
    }
    st.open = keep;
    Object.assign(st, { width: frame.width, height: frame.height, ts: frame.ts, pos: frame.pos, run: frame.run, signature: frame.signature ?? st.signature });
    return ended;
  }

  private cut(st: CameraState, frame: TrackFrame): EndReason | undefined {
    if (frame.width !== st.width || frame.height !== st.height) return 'resize';
    if (frame.run !== st.run || frame.ts < st.ts || frame.pos < st.pos) return 'restart';
    const { sceneCut } = this.settings;
    if (sceneCut > 0 && frame.signature && st.signature && sceneCorrelation(st.signature, frame.signature) < sceneCut) return 'scene';
    return undefined;
  }

  private startTrack(st: CameraState, frame: TrackFrame, face: TrackFace): FaceLink {
    const t: OpenTrack = {
      key: this.nextKey(), cameraId: frame.cameraId, firstTs: frame.ts, lastTs: frame.ts, firstPos: frame.pos, lastPos: frame.pos,
      faces: 0, quality: 0, aggregate: undefined, identifiable: false, jumped: false, lastBox: face.box, velocity: STILL, best: [],
    };
    st.open.push(t);
    return { ...this.addFace(t, face, undefined), isNew: true };
  }

  private extend(t: OpenTrack, frame: TrackFrame, face: TrackFace, distance: number | undefined): FaceLink {
    // The first link measures the velocity; later ones average it with the old one.
    t.velocity = updateVelocity(t.lastBox, face.box, frame.ts - t.lastTs, t.velocity, t.faces === 1 ? 0 : 0.5);
    t.lastBox = face.box;
    t.lastTs = frame.ts;
    t.jumped = false;
    t.lastPos = frame.pos;
    return this.addFace(t, face, distance);
  }

  /** Counts the face, ranks it among the track's best and refreshes the aggregate. */
  private addFace(t: OpenTrack, face: TrackFace, distance: number | undefined): FaceLink {
    const quality = faceQuality({ ...face.quality, score: face.score }, distance, this.settings);
    const ranked: RankedFace<number> = { ref: t.faces, quality, clusterable: face.clusterable, descriptor: face.descriptor };
    const { best, isTop } = addBestFace(t.best, ranked, this.settings.bestFaces);
    t.best = best;
    t.faces++;
    t.identifiable ||= face.clusterable;
    t.quality = best[0]!.quality;
    t.aggregate = trackAggregate(best);
    return { track: snapshot(t), isNew: false, quality, distance, isBest: isTop };
  }
}
