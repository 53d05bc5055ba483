/**
 * Writes a report folder (I/O): checks the folder, reads the store, renders every page model
 * with its template. Images: each person's best face is a JPEG file in img/ (the people page
 * loads them lazily, person pages show them for nearest people); the faces of a person or camera
 * page (at most PAGE_SIZE rows) are inlined as data: URIs. One file per face would make 100,000
 * files for 100,000 faces, which a USB stick's exFAT (128 KB clusters) turns into 13 GB.
 * Files 0600, folders 0700: they hold faces. What a run may remove there: see owned.ts.
 */
import { FaceidxError } from '../errors.js';
import type { Store } from '../store/index.js';
import { ReportReader, type ReportFace, type ReportFilter } from '../store/report.js';
import { indexReport, overviewModel, peopleModel, type FaceRef, type ReportIndex } from './model.js';
import { nearestPeople } from './neighbours.js';
import { cameraHtml, overviewHtml, peopleHtml, personHtml } from './pages.js';
import { cameraPageModels, personPageModel } from './person-model.js';
import { OwnedFolder, type OwnedLayout } from './owned.js';
import { MARKER_FILE, PEOPLE_SCRIPT_FILE, REPORT_DIRS, cameraHref, faceImg, personHref } from './paths.js';
import { PEOPLE_SCRIPT } from './people-script.js';
import { togetherModels, type TogetherModel } from './together.js';

export interface WriteReportOptions {
  out: string;
  force?: boolean;
  filter?: ReportFilter;
  configPath: string;
  now?: number;
  /** Seen with: the same camera at most this far apart (default 10 s; investigate.seenWithWindow). */
  seenWithWindowMs?: number;
  /** Route: sightings on one camera less than this apart are one visit (default 5 min; investigate.visitGap). */
  visitGapMs?: number;
}

export interface ReportResult {
  people: number;
  pages: number;
  images: number;
  /** Bytes of every file written. */
  bytes: number;
  largestPage: { file: string; bytes: number };
  /** Files an earlier report wrote there that changed since: kept, not removed. */
  changed?: string[];
}

/** Faces per person used for candidate merges (their best by quality). */
const SAMPLE_FACES = 8;

export const REPORT_LAYOUT: OwnedLayout = { marker: MARKER_FILE, kind: 'report', dirs: REPORT_DIRS, what: 'faceidx report' };

async function sampleDescriptors(reader: ReportReader, ix: ReportIndex): Promise<Map<number, Float32Array[]>> {
  const picks = new Map<number, ReportFace[]>();
  for (const [id, faces] of ix.facesByPerson) {
    if (!ix.people.has(id)) continue;
    const usable = faces.filter((f) => f.clusterable);
    picks.set(id, (usable.length ? usable : faces).slice().sort((a, b) => b.quality - a.quality).slice(0, SAMPLE_FACES));
  }
  const vectors = await reader.descriptors([...picks.values()].flat().map((f) => f.id));
  return new Map([...picks].map(([id, faces]) => [id, faces.map((f) => vectors.get(f.id)!).filter(Boolean)]));
}

class Output {
  readonly result: ReportResult = { people: 0, pages: 0, images: 0, bytes: 0, largestPage: { file: '', bytes: 0 } };
  readonly images = new Set<number>();

  constructor(
    readonly folder: OwnedFolder,
    private readonly reader: ReportReader,
  ) {}

  /** Replaces the image paths of `refs` (new objects, not shared with other pages) by data: URIs. */
  async inline(refs: ReadonlyArray<FaceRef | null>): Promise<void> {
    const wanted = refs.filter((r): r is FaceRef => r?.img != null);
    const uris = new Map<number, string>();
    await this.reader.eachThumbnail([...new Set(wanted.map((r) => r.faceId))], async (id, jpeg) => {
      uris.set(id, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
    });
    for (const r of wanted) r.img = uris.get(r.faceId) ?? null;
  }

  async page(file: string, html: string, faces: ReadonlyArray<FaceRef | null> = []): Promise<void> {
    for (const f of faces) if (f?.img) this.images.add(f.faceId);
    const bytes = Buffer.byteLength(html);
    await this.folder.write(file, html);
    this.result.pages++;
    this.result.bytes += bytes;
    if (bytes > this.result.largestPage.bytes) this.result.largestPage = { file, bytes };
  }
}

async function writePeoplePages(o: Output, ix: ReportIndex, together: ReadonlyMap<number, TogetherModel>): Promise<void> {
  for (const id of ix.people.keys()) {
    for (let page = 1, pages = 1; page <= pages; page++) {
      const m = personPageModel(ix, id, page)!;
      pages = m.pages;
      if (page > 1) m.best = [];
      else m.together = together.get(id);
      await o.inline([...m.best, ...m.sightings]);
      await o.page(personHref(id, page), personHtml(m), m.neighbours.map((n) => n.best));
    }
  }
}

/** Writes the whole report into `opts.out` (see OwnedFolder for what it may remove there). */
export async function writeReport(store: Store, opts: WriteReportOptions): Promise<ReportResult> {
  const filter = opts.filter ?? {};
  const reader = new ReportReader(store.db);
  const cameras = await reader.cameras();
  if (filter.camera !== undefined && !cameras.some((c) => c.id === filter.camera)) {
    throw new FaceidxError('FACEIDX_NOT_FOUND', `no camera ${filter.camera} in the store (cameras: ${cameras.map((c) => c.id).join(', ') || 'none'})`, 'pass a camera id from faceidx status');
  }
  const folder = await OwnedFolder.prepare(opts.out, opts.force ?? false, REPORT_LAYOUT);
  try {
    const base = { generatedAt: opts.now ?? Date.now(), filter, configPath: opts.configPath, schema: await reader.schema(), cameras, people: await reader.people(), faces: await reader.faces(filter) };
    const o = await writePages(new Output(folder, reader), reader, base, { seenWithMs: opts.seenWithWindowMs ?? 10_000, visitGapMs: opts.visitGapMs ?? 300_000 });
    const marker = { version: 2, generatedAt: new Date(base.generatedAt).toISOString(), filter, ...o.result };
    await folder.finish(marker);
    return { ...o.result, changed: folder.changed };
  } catch (err) {
    await folder.abandon();
    throw err;
  }
}

async function writePages(
  o: Output,
  reader: ReportReader,
  base: Omit<Parameters<typeof indexReport>[0], 'neighbours'>,
  windows: { seenWithMs: number; visitGapMs: number },
): Promise<Output> {
  const pre = indexReport({ ...base, neighbours: new Map() });
  const ix = indexReport({ ...base, neighbours: nearestPeople(await sampleDescriptors(reader, pre)) });
  const people = peopleModel(ix);
  await o.page('index.html', overviewHtml(overviewModel(ix)));
  await o.folder.write(PEOPLE_SCRIPT_FILE, PEOPLE_SCRIPT);
  await o.page('people.html', peopleHtml(people, ix.input.schema.tracks, ix.input.schema.identified), people.map((p) => p.best));
  await writePeoplePages(o, ix, await togetherModels(ix, windows.seenWithMs, windows.visitGapMs));
  for (const cam of ix.cameraById.values()) {
    for (const m of cameraPageModels(ix, cam.id)) {
      await o.inline(m.visits.map((v) => v.best));
      await o.page(cameraHref(cam.slug, m.page), cameraHtml(m));
    }
  }
  await reader.eachThumbnail([...o.images], async (id, jpeg) => {
    await o.folder.write(faceImg(id), jpeg);
    o.result.images++;
    o.result.bytes += jpeg.length;
  });
  o.result.people = people.length;
  return o;
}
