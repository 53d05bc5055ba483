/**
 * Evidence export (I/O): for one person, every sighting's full frame re-read from its source
 * (video files: ffmpeg at the stored offset, scaled as the daemon scaled it so the box fits;
 * image folders: the image), the face crop cut from that frame around the box (as the daemon's
 * thumbnails are), the stored thumbnail, and a manifest (JSON + CSV) with each source's sha256.
 * Sources that moved or vanished since indexing are listed as missing; the rest is exported.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Config } from '../config/schema.js';
import { thumbnailRect } from '../daemon/thumbnail.js';
import { scaleFilter } from '../feed/ffmpeg-args.js';
import { extractFrame } from '../feed/ffmpeg.js';
import { decodeImage } from '../feed/folder-source.js';
import type { Store } from '../store/index.js';
import { ReportReader, type ReportFace } from '../store/report.js';
import { manifestCsv, manifestEntry, type Manifest, type ManifestEntry } from './manifest.js';
import { prepareFolder, type OwnedLayout } from './write.js';

export const EVIDENCE_LAYOUT: OwnedLayout = { marker: 'manifest.json', dirs: ['frames', 'crops', 'thumbnails'], files: ['manifest.json', 'manifest.csv'], what: 'faceidx evidence export' };

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the full frame of a sighting to `frameFile` (JPEG); the source must exist. */
async function writeFrame(f: ReportFace, kind: string, maxWidth: number | undefined, frameFile: string): Promise<void> {
  if (kind === 'folder') {
    const img = await decodeImage(f.source!, maxWidth);
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 95 }).toFile(frameFile);
    return;
  }
  // 1 ms before the stored offset: the first frame at or after it is the one the daemon saw.
  await extractFrame(f.source!, Math.max(0, f.framePos - 0.001), frameFile, maxWidth === undefined ? undefined : scaleFilter(maxWidth));
}

async function writeCrop(frameFile: string, box: ReportFace['box'], cropFile: string): Promise<void> {
  const meta = await sharp(frameFile).metadata();
  const rect = thumbnailRect(box, meta.width ?? 0, meta.height ?? 0);
  await sharp(frameFile).extract(rect).jpeg({ quality: 95 }).toFile(cropFile);
}

export interface EvidenceResult {
  manifest: Manifest;
  frames: number;
  missing: string[];
}

async function exportSighting(out: string, f: ReportFace, e: ManifestEntry, cam: Config['cameras'][number] | undefined): Promise<void> {
  const frame = `frames/face-${f.id}.jpg`;
  const crop = `crops/face-${f.id}.jpg`;
  try {
    await writeFrame(f, e.kind, cam?.maxWidth, join(out, frame));
    await writeCrop(join(out, frame), f.box, join(out, crop));
    e.frame = frame;
    e.crop = crop;
  } catch (err) {
    e.note = `the frame could not be re-read: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Exports person `personId` (already resolved) into `out`. */
export async function exportEvidence(store: Store, config: Readonly<Config>, personId: number, out: string, force = false): Promise<EvidenceResult> {
  const reader = new ReportReader(store.db);
  const faces = await reader.faces({ personId });
  const cameras = new Map((await reader.cameras()).map((c) => [c.id, c]));
  const camConfig = new Map(config.cameras.map((c) => [c.id, c]));
  await prepareFolder(out, force, EVIDENCE_LAYOUT);
  const hashes = new Map<string, string | null>();
  const missing: string[] = [];
  const manifest: Manifest = { faceidx: 'evidence', person: personId, label: (await store.people.label(personId)) ?? null, exportedAt: new Date().toISOString(), missing, sightings: [] };
  let frames = 0;
  for (const f of faces) {
    if (f.source && !hashes.has(f.source)) {
      const there = existsSync(f.source);
      if (!there) missing.push(f.source);
      hashes.set(f.source, there ? await sha256File(f.source) : null);
    }
    const e = manifestEntry(f, cameras.get(f.cameraId), f.source ? (hashes.get(f.source) ?? null) : null);
    if (!f.source) e.note = e.kind === 'rtsp' || e.kind === 'http' ? 'live stream: no source to re-read; the thumbnail is what the daemon stored' : 'no source recorded (stored before footage time)';
    else if (e.sha256 === null) e.note = 'source missing: moved or deleted since indexing';
    else await exportSighting(out, f, e, camConfig.get(f.cameraId));
    if (e.frame) frames++;
    manifest.sightings.push(e);
  }
  const byId = new Map(manifest.sightings.map((e) => [e.faceId, e]));
  await reader.eachThumbnail(faces.map((f) => f.id), async (id, jpeg) => {
    const file = `thumbnails/face-${id}.jpg`;
    await writeFile(join(out, file), jpeg, { mode: 0o600 });
    byId.get(id)!.thumbnail = file;
  });
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await writeFile(join(out, 'manifest.csv'), manifestCsv(manifest), { mode: 0o600 });
  return { manifest, frames, missing };
}
