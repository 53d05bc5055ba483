/**
 * A throwaway store of synthetic people for measurements (scripts/report-size.ts, bench/web.bench.ts):
 * src/eval/synthetic.ts descriptors, 112x112 JPEG thumbnails cut from a sample clip's frames (so
 * their size is a real face thumbnail's), faces spread over cameras and ten hours of footage.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Store, NewFace } from '../store/index.js';
import { syntheticFaces } from './synthetic.js';

/** 64 thumbnails: squares of sample-clip frames around the middle, as the daemon stores them (112 px, quality 85). */
export async function sampleThumbnails(samplesDir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const clip = join(samplesDir, 'face-demographics-walking.mp4');
  for (let i = 0; i < 8; i++) {
    const png = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(i * 0.4), '-i', clip, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'], { maxBuffer: 64 << 20 });
    for (let j = 0; j < 8; j++) {
      out.push(await sharp(png).extract({ left: 40 * j, top: 40, width: 112, height: 112 }).jpeg({ quality: 85 }).toBuffer());
    }
  }
  return out;
}

/** Fills `store` with `people` people of `perPerson` faces each on `cameras` cameras; returns the average thumbnail size in bytes. */
export async function fillSyntheticStore(store: Store, opts: { people: number; perPerson: number; cameras: number; samplesDir: string }): Promise<number> {
  const { people, perPerson, cameras } = opts;
  const set = syntheticFaces({ people, perPerson, seed: 7, shuffle: false });
  const thumbs = await sampleThumbnails(opts.samplesDir);
  const start = Date.parse('2024-05-01T08:00:00Z');
  for (let c = 0; c < cameras; c++) await store.cameras.upsert({ id: `cam-${c + 1}`, url: `/footage/cam-${c + 1}.mp4`, kind: 'file' });
  for (let p = 0; p < people; p++) {
    const faces: NewFace[] = [];
    for (let k = 0; k < perPerson; k++) {
      const i = p * perPerson + k;
      const cam = (p * 7 + Math.floor(k / 4)) % cameras;
      const framePos = (p * 3 + k) % 36_000;
      faces.push({
        cameraId: `cam-${cam + 1}`, ts: start + framePos * 1000, framePos, faceIdx: i, box: { x: 100, y: 80, width: 40, height: 48 }, score: 0.9,
        quality: 40 + (i % 50), clusterable: true, descriptor: set.descriptors[i]!, thumbnail: thumbs[i % thumbs.length], source: `/footage/cam-${cam + 1}.mp4`, frameIndex: framePos * 25,
      });
    }
    const id = await store.people.create();
    const ids = (await store.faces.insertMany(faces)).filter((x): x is number => x !== null);
    await store.people.assign(ids.map((f) => [f, id] as const));
  }
  return thumbs.reduce((n, b) => n + b.length, 0) / thumbs.length;
}
