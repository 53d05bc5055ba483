/**
 * Clustering constraints that video gives for free (pure).
 *
 * Contract:
 *  - cannotLinks(): every pair of faces seen in one frame (same camera and ts and frame
 *    position), as [smaller id, larger id], sorted; two faces of one frame are two people. Every
 *    face counts, clusterable or not (the caller keeps the pairs it can use).
 *  - mustLinkGroups(): per track, the ids of its faces (ascending), for tracks with two or more
 *    of them, sorted by their first id; faces without a track (null) are in no group. Faces
 *    under the quality gate are in their track's group: the people core gives them no graph
 *    edge, so they follow their track's person and never pull people together.
 *  - A track never holds two faces of one frame (the tracker's contract); if the input says
 *    otherwise, the cannot-link wins: such a group is split so no group holds a cannot-link pair.
 */

export interface ConstraintFace {
  id: number;
  cameraId: string;
  ts: number;
  framePos: number;
  trackId: number | null;
  clusterable: boolean;
}

const frameKey = (f: ConstraintFace): string => `${f.cameraId}\u0000${f.ts}\u0000${f.framePos}`;

export function cannotLinks(faces: readonly ConstraintFace[]): Array<[number, number]> {
  const byFrame = new Map<string, number[]>();
  for (const f of faces) {
    const k = frameKey(f);
    const ids = byFrame.get(k);
    if (ids) ids.push(f.id);
    else byFrame.set(k, [f.id]);
  }
  const pairs: Array<[number, number]> = [];
  for (const ids of byFrame.values()) {
    ids.sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i]!, ids[j]!]);
  }
  return pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export function mustLinkGroups(faces: readonly ConstraintFace[]): number[][] {
  const byTrack = new Map<number, ConstraintFace[]>();
  for (const f of faces) {
    if (f.trackId === null) continue;
    const list = byTrack.get(f.trackId);
    if (list) list.push(f);
    else byTrack.set(f.trackId, [f]);
  }
  const groups: number[][] = [];
  for (const list of byTrack.values()) groups.push(...splitByFrame(list));
  return groups.filter((g) => g.length >= 2).sort((a, b) => a[0]! - b[0]!);
}

/** Splits a track's faces so that no part holds two faces of one frame (first come, first part). */
function splitByFrame(list: ConstraintFace[]): number[][] {
  const sorted = [...list].sort((a, b) => a.id - b.id);
  const parts: Array<{ ids: number[]; frames: Set<string> }> = [];
  for (const f of sorted) {
    const k = frameKey(f);
    let part = parts.find((p) => !p.frames.has(k));
    if (!part) {
      part = { ids: [], frames: new Set() };
      parts.push(part);
    }
    part.ids.push(f.id);
    part.frames.add(k);
  }
  return parts.map((p) => p.ids);
}
