/**
 * Builds faceidx's ONNX models from the tfjs weights inside @vladmandic/face-api and caches
 * them under `<modelDir>/<hash>/`, where the hash covers the source weights and the
 * converter version (a package upgrade or converter change rebuilds them). No downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { FaceidxError } from '../errors.js';
import { buildDetectorGraph, buildLandmarkGraph, buildRecognitionGraph } from './convert-nets.js';
import { ssdAnchors } from './convert-ssd.js';
import { decodeWeights, type ManifestEntry, type WeightMap } from './weights.js';

/** Bump when a converter's output changes. */
export const CONVERTER_VERSION = 'faceidx-converter-1';

export const SOURCE_NETS = {
  detector: 'ssd_mobilenetv1_model',
  landmarks: 'face_landmark_68_model',
  recognition: 'face_recognition_model',
} as const;

export type NetName = keyof typeof SOURCE_NETS;

export interface ModelFiles {
  dir: string;
  hash: string;
  detector: string;
  landmarks: string;
  recognition: string;
  anchors: string;
  built: boolean;
}

/** `$XDG_CACHE_HOME/faceidx/models`, else `~/.cache/faceidx/models` (CLI commands without a config). */
export function defaultModelDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'faceidx', 'models');
}

/** The face-api package's `model/` folder. */
export function faceApiModelDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  } catch (err) {
    throw new FaceidxError('FACEIDX_MODEL', 'cannot find the @vladmandic/face-api package that holds the face model weights', 'run `npm ci` in the faceidx folder', { cause: err });
  }
}

function sourceFiles(srcDir: string, net: string): { manifest: string; bins: string[] } {
  const manifest = join(srcDir, `${net}-weights_manifest.json`);
  if (!existsSync(manifest)) {
    throw new FaceidxError('FACEIDX_MODEL', `face model weights missing: ${manifest}`, 'reinstall @vladmandic/face-api (`npm ci`)');
  }
  const groups = JSON.parse(readFileSync(manifest, 'utf8')) as Array<{ paths: string[] }>;
  return { manifest, bins: groups.flatMap((g) => g.paths.map((p) => join(srcDir, p))) };
}

/** sha256 over the converter version and every source manifest and .bin, first 16 hex digits. */
export function weightsHash(srcDir: string): string {
  const h = createHash('sha256').update(CONVERTER_VERSION);
  for (const net of Object.values(SOURCE_NETS)) {
    const { manifest, bins } = sourceFiles(srcDir, net);
    for (const f of [manifest, ...bins]) h.update(f.slice(srcDir.length)).update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

/** Reads one net's manifest and weights into a weight map. */
export function loadWeightMap(srcDir: string, net: string): WeightMap {
  const { manifest, bins } = sourceFiles(srcDir, net);
  const groups = JSON.parse(readFileSync(manifest, 'utf8')) as Array<{ weights: ManifestEntry[] }>;
  const entries = groups.flatMap((g) => g.weights);
  const bin = Buffer.concat(bins.map((b) => readFileSync(b)));
  return decodeWeights(entries, new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength));
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

function filesIn(dir: string, hash: string, built: boolean): ModelFiles {
  return {
    dir,
    hash,
    detector: join(dir, 'detector.onnx'),
    landmarks: join(dir, 'landmarks68.onnx'),
    recognition: join(dir, 'recognition.onnx'),
    anchors: join(dir, 'anchors.f32'),
    built,
  };
}

/** Converts the three nets and writes them (atomically) to `dir`. */
export function buildModels(srcDir: string, dir: string, hash: string): ModelFiles {
  const files = filesIn(dir, hash, true);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // its parents may be storage.dir, which holds faces
    const ssd = loadWeightMap(srcDir, SOURCE_NETS.detector);
    writeAtomic(files.detector, buildDetectorGraph(ssd));
    const anchors = ssdAnchors(ssd);
    writeAtomic(files.anchors, new Uint8Array(anchors.buffer, anchors.byteOffset, anchors.byteLength));
    writeAtomic(files.landmarks, buildLandmarkGraph(loadWeightMap(srcDir, SOURCE_NETS.landmarks)));
    writeAtomic(files.recognition, buildRecognitionGraph(loadWeightMap(srcDir, SOURCE_NETS.recognition)));
  } catch (err) {
    if (err instanceof FaceidxError) throw err;
    throw new FaceidxError('FACEIDX_MODEL', `building the ONNX face models in ${dir} failed: ${(err as Error).message}`, 'check that the folder is writable and @vladmandic/face-api is intact (`npm ci`)', { cause: err });
  }
  return files;
}

/** The cached models for the installed weights, built first if missing (or if `force`). */
export function ensureModels(modelDir: string, opts: { force?: boolean; srcDir?: string } = {}): ModelFiles {
  const srcDir = opts.srcDir ?? faceApiModelDir();
  const hash = weightsHash(srcDir);
  const dir = join(modelDir, hash);
  const files = filesIn(dir, hash, false);
  const complete = [files.detector, files.landmarks, files.recognition, files.anchors].every((f) => existsSync(f));
  if (complete && !opts.force) return files;
  return buildModels(srcDir, dir, hash);
}

export function readAnchors(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
