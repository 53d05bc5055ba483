/** `faceidx verify --pairs <pairs.txt> --images <dir>`: LFW's 10-fold verification protocol. */
import { existsSync, readFileSync } from 'node:fs';
import { writePrivateFileSync } from '../runtime/private-files.js';
import type { Command } from 'commander';
import { ExitCode, FaceidxError } from '../errors.js';
import { euclidean, lfwImagePath, nearestCentre, parsePairs, tenFold, type LfwPair } from '../eval/lfw.js';
import { addEngineOptions, createCliEngine, engineSettings, type EngineCliOptions } from '../faces/cli-support.js';
import { loadImage, type FaceEngine, type Alignment } from '../faces/index.js';

interface VerifyOptions extends EngineCliOptions {
  pairs: string;
  images: string;
  json?: boolean;
  cache?: string;
  concurrency?: number;
}

/** Per image: the descriptor of the face nearest the centre, or null (no face / unreadable). */
type Descriptors = Map<string, number[] | null>;

async function describe(engine: FaceEngine, path: string, align: Alignment): Promise<number[] | null> {
  try {
    const img = await loadImage(path);
    const faces = await engine.analyze(img, { align });
    const i = nearestCentre(faces.map((f) => f.box), img.width, img.height);
    return i < 0 ? null : Array.from(faces[i]!.descriptor);
  } catch (err) {
    if (err instanceof FaceidxError && err.code === 'FACEIDX_IMAGE') return null;
    throw err;
  }
}

function progress(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} images`);
  if (done === total) process.stderr.write('\n');
}

async function describeAll(engine: FaceEngine, paths: string[], align: Alignment, known: Descriptors, concurrency: number): Promise<void> {
  const todo = paths.filter((p) => !known.has(p));
  let next = 0;
  let done = paths.length - todo.length;
  const worker = async () => {
    while (next < todo.length) {
      const p = todo[next++]!;
      known.set(p, await describe(engine, p, align));
      progress(++done, paths.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function readCache(file: string | undefined, key: string): Descriptors {
  if (!file || !existsSync(file)) return new Map();
  const c = JSON.parse(readFileSync(file, 'utf8')) as { key: string; items: Record<string, number[] | null> };
  return c.key === key ? new Map(Object.entries(c.items)) : new Map();
}

export interface VerifyResult {
  pairs: number;
  accuracy: number;
  std: number;
  threshold: number;
  misses: number;
  /** Pairs where at least one face was not found (each counted as an error). */
  missedPairs: number;
  align: Alignment;
}

export function scorePairs(pairs: LfwPair[], images: string, desc: Descriptors, align: Alignment): VerifyResult {
  const dist = pairs.map((p) => {
    const a = desc.get(lfwImagePath(images, p.a));
    const b = desc.get(lfwImagePath(images, p.b));
    return a && b ? euclidean(a, b) : null;
  });
  const r = tenFold(dist, pairs);
  const misses = [...desc.values()].filter((d) => d === null).length;
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return { pairs: pairs.length, accuracy: round(r.accuracy), std: round(r.std), threshold: round(r.threshold), misses, missedPairs: dist.filter((d) => d === null).length, align };
}

export function registerVerifyCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('verify')
    .description('LFW verification protocol: 10 folds, distance threshold chosen on 9 and tested on the 10th; a pair with a missed face counts as an error.')
    .requiredOption('--pairs <file>', 'pairs file in LFW format (first line "10 300")')
    .requiredOption('--images <dir>', 'folder of <Name>/<Name>_NNNN.jpg images')
    .option('--json', 'print {pairs, accuracy, std, threshold, misses, missedPairs, align} as JSON')
    .option('--cache <file>', 'keep descriptors in this JSON file, reused when the settings match')
    .option('--concurrency <n>', 'images in flight (lets descriptors batch)', (v) => Number(v), 4);
  addEngineOptions(cmd).action(async (opts: VerifyOptions) => {
    const pairs = parsePairs(readFileSync(opts.pairs, 'utf8'));
    const paths = [...new Set(pairs.flatMap((p) => [lfwImagePath(opts.images, p.a), lfwImagePath(opts.images, p.b)]))];
    const { config, align } = engineSettings(opts);
    const key = JSON.stringify({ align, detector: config.detector, v: 1 });
    const desc = readCache(opts.cache, key);
    if (paths.some((p) => !desc.has(p))) {
      const { engine } = await createCliEngine(opts, { batchWait: 5 });
      try {
        await describeAll(engine, paths, align, desc, Math.max(1, opts.concurrency ?? 4));
      } finally {
        await engine.close();
      }
      if (opts.cache) writePrivateFileSync(opts.cache, JSON.stringify({ key, items: Object.fromEntries(desc) })); // descriptors of faces
    }
    const r = scorePairs(pairs, opts.images, desc, align);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(r)}\n`
        : `pairs ${r.pairs}  accuracy ${(r.accuracy * 100).toFixed(2)}% ± ${(r.std * 100).toFixed(2)}  threshold ${r.threshold.toFixed(4)}  images without a face ${r.misses}  pairs counted as errors for it ${r.missedPairs}  (align ${r.align})\n`,
    );
    setExit(ExitCode.OK);
  });
}
