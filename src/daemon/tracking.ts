/**
 * The tracks stage as the pipeline runs it: the per-camera tracker (src/tracks, in memory)
 * linked to the store (src/store/tracks.ts). For each frame it assigns the faces to tracks,
 * stores faces and tracks in one transaction, and remembers which stored id each open track has.
 * Runs inside the pipeline's serialised sink, so frames of a camera arrive in order.
 */
import type { Config } from '../config/schema.js';
import type { NewFace, Store, TrackWrite } from '../store/index.js';
import { Tracker, type EndReason, type EndedTrack, type FaceLink, type TrackFace, type TrackFrame, type TrackSnapshot } from '../tracks/index.js';

/** A track touched at this frame (started, grown or ended), with its stored id. */
export interface StoredTrack extends TrackSnapshot {
  id: number;
  isNew: boolean;
  /** Set when the track ended at this frame. */
  endReason?: EndReason;
}

/** A face of the frame as stored, with its track. */
export interface TrackedFace {
  id: number;
  faceIdx: number;
  trackId: number;
  clusterable: boolean;
  descriptor: Float32Array;
  /** The face's track quality (0-1, src/tracks/quality.ts). */
  trackQuality: number;
}

export interface TrackedFrame {
  /** Per input face: its stored id, or null when it was already stored. */
  faceIds: Array<number | null>;
  /** The faces stored now, with their track ids. */
  faces: TrackedFace[];
  /** Every stored track this frame touched. */
  tracks: StoredTrack[];
}

export class TrackStage {
  private readonly tracker: Tracker;
  /** Tracker key -> stored id, for open tracks that have a row. */
  private readonly ids = new Map<number, number>();

  constructor(
    private readonly store: Store,
    settings: Config['tracks'],
  ) {
    this.tracker = new Tracker(settings);
  }

  /** Links the frame's faces to tracks and stores faces and tracks together. Throws when storing failed. */
  async storeFrame(frame: TrackFrame, faces: readonly TrackFace[], records: readonly NewFace[]): Promise<TrackedFrame> {
    const step = this.tracker.step(frame, faces);
    const writes = this.writes(step.links, step.ended);
    // A sighting (a poor face kept in its track against its descriptor) is never clustered.
    const gated = records.map((r, i) => (step.links[i]!.sighting ? { ...r, clusterable: false } : r));
    const stored = await this.store.tracks.storeFrame({
      faces: gated.map((r, i) => ({ ...r, trackKey: step.links[i]!.track.key })),
      tracks: writes,
    });
    for (const [key, id] of stored.trackIds) this.ids.set(key, id);
    const tracks = this.storedTracks(step.links, step.ended, stored.trackIds);
    for (const e of step.ended) this.ids.delete(e.track.key);
    const tracked: TrackedFace[] = [];
    gated.forEach((r, i) => {
      const id = stored.faceIds[i];
      const trackId = stored.trackIds.get(step.links[i]!.track.key);
      if (id === null || id === undefined || trackId === undefined) return;
      tracked.push({ id, faceIdx: r.faceIdx, trackId, clusterable: r.clusterable, descriptor: r.descriptor, trackQuality: step.links[i]!.quality });
    });
    return { faceIds: stored.faceIds, faces: tracked, tracks };
  }

  /**
   * After faces were erased (forget, retention): open tracks whose stored row went with them
   * are dropped from the tracker, so the next faces there start a new track instead of
   * joining a row that no longer exists (the frame's faces would be refused). Returns how many.
   */
  async dropErased(): Promise<number> {
    if (this.ids.size === 0) return 0;
    const alive = await this.store.tracks.existing([...this.ids.values()]);
    const gone = new Set([...this.ids].filter(([, id]) => !alive.has(id)).map(([key]) => key));
    if (gone.size === 0) return 0;
    this.tracker.drop(gone);
    for (const key of gone) this.ids.delete(key);
    return gone.size;
  }

  /** Ends a camera's open tracks (its feed ended, stopped or restarted); returns the stored ones. */
  async endCamera(cameraId: string, reason: EndReason): Promise<StoredTrack[]> {
    const ended = this.tracker.end(cameraId, reason);
    const writes = this.writes([], ended).filter((w) => w.id !== undefined);
    if (writes.length > 0) await this.store.tracks.storeFrame({ faces: [], tracks: writes });
    const out = this.storedTracks([], ended, new Map(writes.map((w) => [w.key, w.id!])));
    for (const e of ended) this.ids.delete(e.track.key);
    return out;
  }

  private writes(links: readonly FaceLink[], ended: readonly EndedTrack[]): TrackWrite[] {
    const byKey = new Map<number, TrackWrite>();
    const base = (t: TrackSnapshot): TrackWrite => {
      const id = this.ids.get(t.key);
      // A row starts with its first stored face: frames the track had before (replayed after a
      // crash, their faces stored already in the cut track) are not its own.
      const [firstTs, firstPos] = id === undefined ? [t.lastTs, t.lastPos] : [t.firstTs, t.firstPos];
      return {
        key: t.key, id, cameraId: t.cameraId, firstTs, lastTs: t.lastTs, firstPos,
        lastPos: t.lastPos, quality: t.quality, aggregate: t.aggregate, identifiable: t.identifiable,
      };
    };
    links.forEach((l, i) => {
      const w = base(l.track);
      if (l.isBest || w.id === undefined) w.bestFace = i; // a new row's first face is its best until a better one comes
      byKey.set(l.track.key, w);
    });
    for (const e of ended) byKey.set(e.track.key, { ...(byKey.get(e.track.key) ?? base(e.track)), endReason: e.reason });
    return [...byKey.values()];
  }

  private storedTracks(links: readonly FaceLink[], ended: readonly EndedTrack[], ids: ReadonlyMap<number, number>): StoredTrack[] {
    const out = new Map<number, StoredTrack>();
    for (const l of links) {
      const id = ids.get(l.track.key);
      if (id !== undefined) out.set(l.track.key, { ...l.track, id, isNew: l.isNew || (out.get(l.track.key)?.isNew ?? false) });
    }
    for (const e of ended) {
      const id = ids.get(e.track.key);
      if (id !== undefined) out.set(e.track.key, { ...(out.get(e.track.key) ?? { ...e.track, id, isNew: false }), endReason: e.reason });
    }
    return [...out.values()];
  }
}
