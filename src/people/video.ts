/**
 * What video tells the people core for free, and how a face track becomes (part of) a person.
 *
 * Contract:
 * - Two faces of one frame are two people: a hard cannot-link between every pair of them.
 * - The faces of one face track are one person: a must-link chain along the track. Faces under
 *   the quality gate (small, blurred, turned, occluded, or far from the rest of their track) are
 *   in the graph as *sightings*: they belong to their track's group but carry no kNN edge and are
 *   not in the index, so they follow their track's person and never pull two tracks together.
 * - A track made only of sightings is a group without edges: it stays a person of its own
 *   ("seen only at low resolution", `identified: false` in the store's read side) and is never
 *   merged automatically, neither by Chinese whispers nor by linkage merges (both need edges).
 * - Faces without a track (older stores, callers that know none) keep the plain rule: clusterable
 *   faces are clustered one by one, faces under the gate are not clustered.
 *
 * `videoConstraints` reads every tracked face from the store (open, re-cluster, user changes);
 * `TrackLinks` gives the pairs of faces arriving now, without reading the store.
 */
import type { ConstraintPairs, Pair } from '../cluster/constraints.js';
import type { Store } from '../store/index.js';
import { cannotLinks, mustLinkGroups } from '../tracks/constraints.js';
import type { FaceVector } from '../index/hnsw.js';

/** A face handed to the people core, with what video knows about it. */
export interface PeopleFace extends FaceVector {
  /** Passed the quality gate (default true): indexed and linked to its nearest neighbours. */
  clusterable?: boolean;
  /** Its face track (null/absent: none known). */
  trackId?: number | null;
  /** Its frame (any key unique per camera frame): faces of one frame are never one person. */
  frame?: string;
}

/** Must-link chain over a group: [g0,g1], [g1,g2]... (enough for the union-find). */
function chain(group: readonly number[]): Pair[] {
  const out: Pair[] = [];
  for (let i = 1; i < group.length; i++) out.push([group[i - 1]!, group[i]!]);
  return out;
}

/** The video constraints of every tracked face in the store (a ConstraintSource). */
export async function videoConstraints(store: Store): Promise<ConstraintPairs> {
  const faces = await store.tracks.constraintFaces();
  return { mustLink: mustLinkGroups(faces).flatMap(chain), cannotLink: cannotLinks(faces) };
}

/** Tracks whose last face is remembered; older ones are forgotten first (they have ended). */
const MAX_TRACKS = 50_000;

/** The newest face of each recent track, to chain a track's next face to it. */
export class TrackLinks {
  private readonly last = new Map<number, number>();

  /** The newest face seen of a track. */
  lastFace(trackId: number | null | undefined): number | undefined {
    return trackId === null || trackId === undefined ? undefined : this.last.get(trackId);
  }

  /** The pairs that faces arriving together add (same frame: cannot-link; same track: must-link). */
  pairsFor(faces: readonly PeopleFace[]): ConstraintPairs {
    const mustLink: Pair[] = [];
    const cannotLink: Pair[] = [];
    const byTrack = new Map<number, number>();
    for (const f of faces) {
      if (f.trackId === null || f.trackId === undefined) continue;
      const prev = byTrack.get(f.trackId) ?? this.last.get(f.trackId);
      if (prev !== undefined) mustLink.push([prev, f.id]);
      byTrack.set(f.trackId, f.id);
    }
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        const a = faces[i]!;
        const b = faces[j]!;
        if (a.frame !== undefined && a.frame === b.frame) cannotLink.push([a.id, b.id]);
      }
    }
    return { mustLink, cannotLink };
  }

  /** Remembers the faces as their tracks' newest. */
  record(faces: readonly PeopleFace[]): void {
    for (const f of faces) {
      if (f.trackId === null || f.trackId === undefined) continue;
      this.last.delete(f.trackId);
      this.last.set(f.trackId, f.id);
    }
    for (const key of this.last.keys()) {
      if (this.last.size <= MAX_TRACKS) break;
      this.last.delete(key);
    }
  }
}
