/** Pure: the model of one person's page (best faces, timeline, sightings, candidate merges) and of a camera's page. */
import type { ReportFace } from '../store/report.js';
import { bestFace, faceRef, footagePosition, type CameraSummary, type FaceRef, type PersonSummary, type ReportIndex } from './model.js';
import { PAGE_SIZE, pageCount } from './paths.js';
import type { TogetherModel } from './together.js';

/** Best faces shown at the top of a person page (one per track with tracks). */
export const MAX_BEST_FACES = 24;

export interface BestFace extends FaceRef {
  camera: string;
  ts: number;
  trackId: number | null;
  /** `faceidx not <face> <person>`: takes this face out of the person. */
  notCommand: string;
}

export interface SightingRow extends FaceRef {
  camera: string;
  cameraHref: string;
  position: string;
  frameIndex: number | null;
  ts: number;
  trackId: number | null;
  clusterable: boolean;
}

export interface TimelineModel {
  start: number;
  end: number;
  rows: Array<{ camera: string; times: number[] }>;
}

export interface NeighbourRow {
  id: number;
  href: string;
  label: string | null;
  distance: number;
  best: FaceRef | null;
  mergeCommand: string;
}

export interface PersonPageModel {
  person: PersonSummary;
  best: BestFace[];
  timeline: TimelineModel;
  sightings: SightingRow[];
  page: number;
  pages: number;
  neighbours: NeighbourRow[];
  /** Seen with and route (first page only; together.ts). */
  together?: TogetherModel | undefined;
}

export interface CameraVisit {
  person: number;
  href: string;
  label: string | null;
  start: number;
  end: number;
  /** Where the visit starts in the footage (hh:mm:ss.mmm, image name or "live"). */
  position: string;
  faces: number;
  best: FaceRef | null;
}

export interface CameraPageModel {
  camera: CameraSummary;
  visits: CameraVisit[];
  page: number;
  pages: number;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const quote = (s: string): string => (/^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function cliCommand(ix: ReportIndex, ...args: Array<string | number>): string {
  return `faceidx ${args.join(' ')} --config ${quote(ix.input.configPath)}`;
}

/** Up to `n` faces, best first, taking each camera's best in turn (so every camera shows). */
export function spreadOverCameras(faces: readonly ReportFace[], n: number): ReportFace[] {
  const byCamera = new Map<string, ReportFace[]>();
  for (const f of faces) pushTo(byCamera, f.cameraId, f);
  const queues = [...byCamera.values()].map((list) => list.sort((a, b) => Number(b.hasThumbnail) - Number(a.hasThumbnail) || b.quality - a.quality));
  const out: ReportFace[] = [];
  for (let i = 0; out.length < n && queues.some((q) => i < q.length); i++) {
    for (const q of queues) if (i < q.length && out.length < n) out.push(q[i]!);
  }
  return out;
}

/** Best face per track (tracks) or the best faces spread over the cameras, in time order. */
export function bestFaces(ix: ReportIndex, personId: number, faces: readonly ReportFace[]): BestFace[] {
  let picked: ReportFace[];
  if (ix.input.schema.tracks) {
    const byTrack = new Map<number | null, ReportFace[]>();
    for (const f of faces) pushTo(byTrack, f.trackId, f);
    picked = spreadOverCameras([...byTrack.values()].map((list) => bestFace(list)!), MAX_BEST_FACES);
  } else {
    picked = spreadOverCameras(faces, 12);
  }
  return picked
    .sort((a, b) => a.ts - b.ts || a.id - b.id)
    .map((f) => ({ ...faceRef(f), camera: f.cameraId, ts: f.ts, trackId: f.trackId, notCommand: cliCommand(ix, 'not', f.id, personId) }));
}

export function timelineModel(faces: readonly ReportFace[]): TimelineModel {
  const rows = new Map<string, number[]>();
  for (const f of faces) pushTo(rows, f.cameraId, f.ts);
  return {
    start: faces[0]?.ts ?? 0,
    end: faces[faces.length - 1]?.ts ?? 0,
    rows: [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([camera, times]) => ({ camera, times })),
  };
}

function sightingRow(ix: ReportIndex, f: ReportFace): SightingRow {
  const cam = ix.cameraById.get(f.cameraId);
  return {
    ...faceRef(f), camera: f.cameraId, cameraHref: cam?.href ?? '', position: footagePosition(f, cam?.kind), frameIndex: f.frameIndex,
    ts: f.ts, trackId: f.trackId, clusterable: f.clusterable,
  };
}

/** Page `page` (1-based) of a person; undefined for someone not in the report. */
export function personPageModel(ix: ReportIndex, id: number, page = 1): PersonPageModel | undefined {
  const person = ix.people.get(id);
  const faces = ix.facesByPerson.get(id);
  if (!person || !faces) return undefined;
  const neighbours = (ix.input.neighbours.get(id) ?? []).flatMap((n): NeighbourRow[] => {
    const other = ix.people.get(n.personId);
    if (!other) return [];
    return [{ id: other.id, href: other.href, label: other.label, distance: n.distance, best: other.best, mergeCommand: cliCommand(ix, 'merge', id, other.id) }];
  });
  return {
    person,
    best: bestFaces(ix, id, faces),
    timeline: timelineModel(faces),
    sightings: faces.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((f) => sightingRow(ix, f)),
    page,
    pages: pageCount(faces.length),
    neighbours,
  };
}

/** Visits of people on one camera: a person's consecutive sightings there (no other person's in between count). */
export function cameraVisits(ix: ReportIndex, cameraId: string, gapMs = 300_000): CameraVisit[] {
  const kind = ix.cameraById.get(cameraId)?.kind;
  const open = new Map<number, CameraVisit>();
  const visits: CameraVisit[] = [];
  const bestOf = new Map<CameraVisit, ReportFace[]>();
  for (const f of ix.input.faces) {
    if (f.cameraId !== cameraId || f.personId === null) continue;
    const p = ix.people.get(f.personId);
    if (!p) continue;
    let v = open.get(p.id);
    if (!v || f.ts - v.end >= gapMs) {
      v = { person: p.id, href: p.href, label: p.label, start: f.ts, end: f.ts, position: footagePosition(f, kind), faces: 0, best: null };
      open.set(p.id, v);
      visits.push(v);
      bestOf.set(v, []);
    }
    v.end = f.ts;
    v.faces++;
    bestOf.get(v)!.push(f);
  }
  for (const v of visits) {
    const b = bestFace(bestOf.get(v)!);
    v.best = b ? faceRef(b) : null;
  }
  return visits.sort((a, b) => a.start - b.start || a.person - b.person);
}

export function cameraPageModels(ix: ReportIndex, cameraId: string): CameraPageModel[] {
  const camera = ix.cameraById.get(cameraId);
  if (!camera) return [];
  const visits = cameraVisits(ix, cameraId);
  const pages = pageCount(visits.length);
  return Array.from({ length: pages }, (_, i) => ({ camera, visits: visits.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE), page: i + 1, pages }));
}
