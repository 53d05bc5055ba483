/**
 * Pure page models of the HTML report: what each page shows, from the store's rows (no I/O, no
 * HTML). Hrefs and image paths are relative to the report folder; templates add the prefix.
 *
 * Optional data: with face tracks (`trackId` on faces) a person's best faces are the best face
 * of each track and people carry a track count; with `identified` on people the overview splits
 * identified people from people seen only at low resolution. Without them, those are null.
 */
import { basename } from 'node:path';
import { formatOffset } from '../feed/footage-time.js';
import { redactUrl } from '../redact.js';
import type { ReportCamera, ReportFace, ReportFilter, ReportPerson, ReportSchema } from '../store/report.js';
import type { Neighbour } from './neighbours.js';
import { cameraHref, cameraSlug, faceImg, personHref } from './paths.js';

export interface ReportInput {
  generatedAt: number;
  filter: ReportFilter;
  /** The --config the report was made with: the exact merge/not commands carry it. */
  configPath: string;
  schema: ReportSchema;
  cameras: readonly ReportCamera[];
  people: readonly ReportPerson[];
  /** Every face in the filter, in time order. */
  faces: readonly ReportFace[];
  neighbours: ReadonlyMap<number, readonly Neighbour[]>;
}

export interface FaceRef {
  faceId: number;
  /** Image path in the report (img/<id>.jpg) or, once inlined, a data: URI; null without a stored thumbnail. */
  img: string | null;
}

export interface CameraSummary {
  id: string;
  slug: string;
  href: string;
  kind: string;
  url: string;
  timeSource: string | null;
  from: number | null;
  to: number | null;
  faces: number;
  belowGate: number;
  people: number;
}

export interface PersonSummary {
  id: number;
  href: string;
  label: string | null;
  identified: boolean | null;
  faces: number;
  cameras: string[];
  first: number;
  last: number;
  best: FaceRef | null;
  /** Number of face tracks (null without tracks). */
  tracks: number | null;
}

export interface OverviewModel {
  generatedAt: number;
  filter: string[];
  cameras: CameraSummary[];
  people: { total: number; identified: number; lowResolution: number; unmarked: number };
  faces: { total: number; belowGate: number; unassigned: number };
}

/** Indexes built once from the input, shared by every page model. */
export interface ReportIndex {
  input: ReportInput;
  cameraById: Map<string, CameraSummary>;
  facesByPerson: Map<number, ReportFace[]>;
  people: Map<number, PersonSummary>;
}

export const faceRef = (f: ReportFace): FaceRef => ({ faceId: f.id, img: f.hasThumbnail ? faceImg(f.id) : null });

/** The best face: highest quality among faces with a thumbnail, clusterable ones first. */
export function bestFace(faces: readonly ReportFace[]): ReportFace | undefined {
  let best: ReportFace | undefined;
  const rank = (f: ReportFace) => (f.hasThumbnail ? 2 : 0) + (f.clusterable ? 1 : 0);
  for (const f of faces) {
    if (!best || rank(f) > rank(best) || (rank(f) === rank(best) && f.quality > best.quality)) best = f;
  }
  return best;
}

/** Where a sighting is in its source: hh:mm:ss.mmm for files, the image name for folders, "live" for streams. */
export function footagePosition(f: Pick<ReportFace, 'framePos' | 'source'>, kind: string | undefined): string {
  if (kind === 'file') return formatOffset(f.framePos);
  if (kind === 'folder') return f.source ? basename(f.source) : `image ${f.framePos}`;
  return 'live';
}

export function filterText(filter: ReportFilter): string[] {
  const out: string[] = [];
  if (filter.since !== undefined) out.push(`since ${new Date(filter.since).toISOString()}`);
  if (filter.until !== undefined) out.push(`until ${new Date(filter.until).toISOString()}`);
  if (filter.camera !== undefined) out.push(`camera ${filter.camera}`);
  return out;
}

function summarizeCameras(input: ReportInput): Map<string, CameraSummary> {
  const out = new Map<string, CameraSummary>();
  const people = new Map<string, Set<number>>();
  const known = new Map(input.cameras.map((c) => [c.id, c]));
  const ids = [...new Set([...input.cameras.map((c) => c.id), ...input.faces.map((f) => f.cameraId)])].sort();
  ids.forEach((id, i) => {
    const c = known.get(id);
    const slug = cameraSlug(id, i + 1);
    out.set(id, { id, slug, href: cameraHref(slug), kind: c?.kind ?? 'unknown', url: redactUrl(c?.url ?? ''), timeSource: c?.timeSource ?? null, from: null, to: null, faces: 0, belowGate: 0, people: 0 });
    people.set(id, new Set());
  });
  for (const f of input.faces) {
    const c = out.get(f.cameraId)!;
    c.faces++;
    if (!f.clusterable) c.belowGate++;
    c.from = c.from === null ? f.ts : Math.min(c.from, f.ts);
    c.to = c.to === null ? f.ts : Math.max(c.to, f.ts);
    if (f.personId !== null) people.get(f.cameraId)!.add(f.personId);
  }
  for (const [id, set] of people) out.get(id)!.people = set.size;
  if (input.filter.camera !== undefined) for (const id of [...out.keys()]) if (id !== input.filter.camera) out.delete(id);
  return out;
}

function summarizePerson(p: ReportPerson, faces: readonly ReportFace[], tracks: boolean): PersonSummary {
  const best = bestFace(faces);
  return {
    id: p.id,
    href: personHref(p.id),
    label: p.label,
    identified: p.identified,
    faces: faces.length,
    cameras: [...new Set(faces.map((f) => f.cameraId))].sort(),
    first: faces[0]!.ts,
    last: faces[faces.length - 1]!.ts,
    best: best ? faceRef(best) : null,
    tracks: tracks ? new Set(faces.map((f) => f.trackId)).size : null,
  };
}

/** Groups faces per person and summarises cameras and people; people without a face in the filter are left out. */
export function indexReport(input: ReportInput): ReportIndex {
  const facesByPerson = new Map<number, ReportFace[]>();
  for (const f of input.faces) {
    if (f.personId === null) continue;
    const list = facesByPerson.get(f.personId);
    if (list) list.push(f);
    else facesByPerson.set(f.personId, [f]);
  }
  const people = new Map<number, PersonSummary>();
  for (const p of input.people) {
    const faces = facesByPerson.get(p.id);
    if (faces) people.set(p.id, summarizePerson(p, faces, input.schema.tracks));
  }
  return { input, cameraById: summarizeCameras(input), facesByPerson, people };
}

export function overviewModel(ix: ReportIndex): OverviewModel {
  const people = [...ix.people.values()];
  const faces = ix.input.faces;
  return {
    generatedAt: ix.input.generatedAt,
    filter: filterText(ix.input.filter),
    cameras: [...ix.cameraById.values()],
    people: {
      total: people.length,
      identified: people.filter((p) => p.identified === true).length,
      lowResolution: people.filter((p) => p.identified === false).length,
      unmarked: people.filter((p) => p.identified === null).length,
    },
    faces: {
      total: faces.length,
      belowGate: faces.filter((f) => !f.clusterable).length,
      unassigned: faces.filter((f) => f.personId === null).length,
    },
  };
}

/** The people page: everyone, most faces first (the browser re-sorts and filters). */
export function peopleModel(ix: ReportIndex): PersonSummary[] {
  return [...ix.people.values()].sort((a, b) => b.faces - a.faces || a.id - b.id);
}
