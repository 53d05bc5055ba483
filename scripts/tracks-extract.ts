/**
 * The faces of a clip as the daemon's faces stage sees them, cached for scripts/tracks-study.ts:
 * ffmpeg samples the clip at `fps` (rgb24), the real FaceEngine (the configured detector
 * cascade, landmarks, dlib68 chip, 128-d descriptor) analyses every frame, and the result
 * (boxes, scores, quality fields, descriptors, the frame's scene signature) is written to
 * ~/.cache/faceidx/tracks-study/<clip>-<fps>fps-<detector key>.json. A later run with the same
 * clip, fps and detector settings reads the cache instead of running the nets again.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { Config } from '../src/config/schema.js';
import type { FaceEngine } from '../src/faces/index.js';
import { sceneSignature } from '../src/feed/scene.js';

export interface CachedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: number[];
  quality: { height: number; eyeDistance: number; sharpness: number; yaw: number };
}

export interface CachedFrame {
  pos: number;
  faces: CachedFace[];
  signature: number[];
}

export interface CachedClip {
  clip: string;
  fps: number;
  width: number;
  height: number;
  frames: CachedFrame[];
}

const CACHE = join(homedir(), '.cache', 'faceidx', 'tracks-study');

function probeSize(clip: string): { width: number; height: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', clip], { encoding: 'utf8' });
  const [w, h] = out.trim().split('\n')[0]!.split(',').map(Number);
  if (!w || !h) throw new Error(`${clip}: ffprobe found no video size`);
  return { width: w, height: h };
}

export function cacheFile(clip: string, fps: number, cfg: Pick<Config, 'detector' | 'inference'>): string {
  const key = createHash('sha256').update(JSON.stringify({ d: cfg.detector, a: cfg.inference.align })).digest('hex').slice(0, 10);
  return join(CACHE, `${basename(clip)}-${fps}fps-${key}.json`);
}

/** The cached faces of `clip` at `fps`, running `engine()` only when no cache exists. */
export async function extractClip(clip: string, fps: number, cfg: Pick<Config, 'detector' | 'inference'>, engine: () => Promise<FaceEngine>): Promise<CachedClip> {
  const file = cacheFile(clip, fps, cfg);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as CachedClip;
  const { width, height } = probeSize(clip);
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const e = await engine();
  const frames: CachedFrame[] = [];
  for (let i = 0; i + size <= raw.length; i += size) {
    const img = { width, height, data: new Uint8Array(raw.buffer, raw.byteOffset + i, size) };
    const faces = await e.analyze(img);
    frames.push({
      pos: frames.length / fps,
      faces: faces.map((f) => ({ box: f.box, score: f.score, descriptor: Array.from(f.descriptor), quality: f.quality })),
      signature: Array.from(sceneSignature(img), (v) => Math.round(v * 10) / 10),
    });
  }
  mkdirSync(CACHE, { recursive: true });
  const result: CachedClip = { clip: basename(clip), fps, width, height, frames };
  writeFileSync(file, JSON.stringify(result));
  return result;
}
