/**
 * Enrolling a watch-list photo: the face pipeline the daemon uses (same detector, crop and
 * descriptor net, from the config), then one face per photo. `pickFace` is the pure rule:
 * faces are numbered left to right; a photo with one face gives it; with several, `--face N`
 * picks, and without it the photo is refused, naming the largest (the one a guess would take).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { FaceidxError } from '../errors.js';
import { loadImage, type FaceEngine } from '../faces/index.js';
import type { NewWatchDescriptor } from '../store/watch.js';

type Box = { x: number; y: number; width: number; height: number };

const boxText = (b: Box) => `at ${Math.round(b.x)},${Math.round(b.y)}, ${Math.round(b.width)}x${Math.round(b.height)} px`;

/** Index (into `boxes`) of the face to enrol; `face` is 1-based, left to right. Throws FACEIDX_IMAGE naming the file. */
export function pickFace(boxes: readonly Box[], file: string, face?: number): number {
  if (boxes.length === 0) {
    throw new FaceidxError(
      'FACEIDX_IMAGE',
      `no face found in ${file}`,
      'use a photo where the face is clearly visible and at least about 40 px high (crop it closer if the face is small)',
    );
  }
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.x - boxes[b]!.x);
  if (face !== undefined) {
    if (face > boxes.length) {
      throw new FaceidxError('FACEIDX_USAGE', `--face ${face}: ${file} shows ${boxes.length} face${boxes.length === 1 ? '' : 's'}`, `give --face 1 to ${boxes.length} (faces numbered left to right)`);
    }
    return order[face - 1]!;
  }
  if (boxes.length === 1) return 0;
  let largest = order[0]!;
  for (const i of order) if (boxes[i]!.width * boxes[i]!.height > boxes[largest]!.width * boxes[largest]!.height) largest = i;
  const listing = order.map((i, n) => `${n + 1}: ${boxText(boxes[i]!)}`).join('; ');
  throw new FaceidxError(
    'FACEIDX_IMAGE',
    `${file} shows ${boxes.length} faces (numbered left to right: ${listing}); the largest is face ${order.indexOf(largest) + 1}, which would be taken`,
    `pick one with --face N (e.g. --face ${order.indexOf(largest) + 1} for the largest), or crop the photo to one face`,
  );
}

export interface EnrolOptions {
  maxSide: number;
  /** 1-based face number, applied to every photo. */
  face?: number | undefined;
  keepPhoto?: boolean | undefined;
}

/** Descriptors of the chosen face of each photo; throws on the first photo that cannot be used. */
export async function enrolPhotos(engine: Pick<FaceEngine, 'analyze'>, files: readonly string[], opts: EnrolOptions): Promise<NewWatchDescriptor[]> {
  const out: NewWatchDescriptor[] = [];
  for (const file of files) {
    const img = await loadImage(file, { maxSide: opts.maxSide });
    const faces = await engine.analyze(img);
    const s = img.scale;
    const boxes = faces.map((f) => ({ x: f.box.x / s, y: f.box.y / s, width: f.box.width / s, height: f.box.height / s }));
    const i = pickFace(boxes, file, opts.face);
    out.push({ descriptor: faces[i]!.descriptor, source: basename(file), box: boxes[i]!, photo: opts.keepPhoto ? await readFile(file) : undefined });
  }
  return out;
}
