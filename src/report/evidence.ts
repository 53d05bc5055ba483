/**
 * Evidence export (I/O): for one person, every sighting's full frame re-read from its source
 * (video files: ffmpeg at the stored offset, scaled as the daemon scaled it so the box fits;
 * image folders: the image), the face crop cut from that frame around the box (as the daemon's
 * thumbnails are), the stored thumbnail, and a manifest (JSON + CSV) with each source's sha256.
 * Sources that moved or vanished since indexing are listed as missing; the rest is exported.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import sharp from 'sharp';
import type { Config } from '../config/schema.js';
import { thumbnailRect } from '../daemon/thumbnail.js';
import { scaleFilter } from '../feed/ffmpeg-args.js';
import { extractFrame } from '../feed/ffmpeg.js';
import { decodeImage } from '../feed/folder-source.js';
import type { Store } from '../store/index.js';
import { ReportReader, type ReportFace } from '../store/report.js';
import { manifestCsv, manifestEntry, type Manifest, type ManifestEntry } from './manifest.js';
import { OwnedFolder, type OwnedLayout } from './owned.js';

/** manifest.json is the marker: its `written` lists every file of the export with its sha256 (see owned.ts). */
export const EVIDENCE_LAYOUT: OwnedLayout = { marker: 'manifest.json', kind: 'evidence', dirs: ['frames', 'crops', 'thumbnails'], what: 'faceidx evidence export' };

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The full frame of a sighting as JPEG; the source must exist. */
async function readFrame(f: ReportFace, kind: string, maxWidth: number | undefined): Promise<Buffer> {
  if (kind === 'folder') {
    const img = await decodeImage(f.source!, maxWidth);
    return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  }
  // 1 ms before the stored offset: the first frame at or after it is the one the daemon saw.
  return extractFrame(f.source!, Math.max(0, f.framePos - 0.001), maxWidth === undefined ? undefined : scaleFilter(maxWidth));
}

async function cropOf(frame: Buffer, box: ReportFace['box']): Promise<Buffer> {
  const meta = await sharp(frame).metadata();
  const rect = thumbnailRect(box, meta.width ?? 0, meta.height ?? 0);
  return sharp(frame).extract(rect).jpeg({ quality: 95 }).toBuffer();
}

export interface EvidenceResult {
  manifest: Manifest;
  frames: number;
  missing: string[];
  /** Files an earlier export wrote there that changed since: kept, not removed. */
  changed: string[];
}

async function exportSighting(folder: OwnedFolder, f: ReportFace, e: ManifestEntry, cam: Config['cameras'][number] | undefined): Promise<void> {
  let frame: Buffer;
  let crop: Buffer;
  try {
    frame = await readFrame(f, e.kind, cam?.maxWidth);
    crop = await cropOf(frame, f.box);
  } catch (err) {
    e.note = `the frame could not be re-read: ${(err as Error).message.split('\n')[0]}`;
    return;
  }
  e.frame = `frames/face-${f.id}.jpg`;
  e.crop = `crops/face-${f.id}.jpg`;
  await folder.write(e.frame, frame);
  await folder.write(e.crop, crop);
}

/** Exports person `personId` (already resolved) into `out` (see OwnedFolder for what it may remove there). */
export async function exportEvidence(store: Store, config: Readonly<Config>, personId: number, out: string, force = false): Promise<EvidenceResult> {
  const reader = new ReportReader(store.db);
  const faces = await reader.faces({ personId });
  const cameras = new Map((await reader.cameras()).map((c) => [c.id, c]));
  const camConfig = new Map(config.cameras.map((c) => [c.id, c]));
  const folder = await OwnedFolder.prepare(out, force, EVIDENCE_LAYOUT);
  try {
    const manifest: Manifest = { faceidx: 'evidence', person: personId, label: (await store.people.label(personId)) ?? null, exportedAt: new Date().toISOString(), missing: [], sightings: [] };
    const frames = await exportSightings(folder, reader, faces, manifest, (f) => [cameras.get(f.cameraId), camConfig.get(f.cameraId)]);
    await folder.write('manifest.csv', manifestCsv(manifest));
    const { faceidx: _kind, ...fields } = manifest;
    await folder.finish(fields);
    return { manifest: { ...manifest, written: folder.record() }, frames, missing: manifest.missing, changed: folder.changed };
  } catch (err) {
    await folder.abandon();
    throw err;
  }
}

type CameraOf = (f: ReportFace) => [Parameters<typeof manifestEntry>[1], Config['cameras'][number] | undefined];

async function exportSightings(folder: OwnedFolder, reader: ReportReader, faces: ReportFace[], manifest: Manifest, cameraOf: CameraOf): Promise<number> {
  const hashes = new Map<string, string | null>();
  let frames = 0;
  for (const f of faces) {
    if (f.source && !hashes.has(f.source)) {
      const there = existsSync(f.source);
      if (!there) manifest.missing.push(f.source);
      hashes.set(f.source, there ? await sha256File(f.source) : null);
    }
    const [cam, camConfig] = cameraOf(f);
    const e = manifestEntry(f, cam, f.source ? (hashes.get(f.source) ?? null) : null);
    if (!f.source) e.note = e.kind === 'rtsp' || e.kind === 'http' ? 'live stream: no source to re-read; the thumbnail is what the daemon stored' : 'no source recorded (stored before footage time)';
    else if (e.sha256 === null) e.note = 'source missing: moved or deleted since indexing';
    else await exportSighting(folder, f, e, camConfig);
    if (e.frame) frames++;
    manifest.sightings.push(e);
  }
  const byId = new Map(manifest.sightings.map((e) => [e.faceId, e]));
  await reader.eachThumbnail(faces.map((f) => f.id), async (id, jpeg) => {
    const file = `thumbnails/face-${id}.jpg`;
    await folder.write(file, jpeg);
    byId.get(id)!.thumbnail = file;
  });
  return frames;
}
