/**
 * `faceidx eval <dir>`: runs the face pipeline on a labelled folder (one subfolder per
 * identity; per image the face nearest its centre), then clusters the same descriptors with
 * faceidx (incremental, batch) and the baselines, and prints a table or --json. Descriptors are
 * cached (per image path, size, mtime and alignment) so re-runs are quick.
 */
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { configSchema } from '../config/schema.js';
import type { Config } from '../config/schema.js';
import { resolveDetector } from '../faces/detectors.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { isClusterable } from '../faces/quality.js';
import { addEngineOptions, createCliEngine, type EngineCliOptions } from '../faces/cli-support.js';
import { loadImage } from '../faces/index.js';
import { evaluateClustering, evalTable, EVAL_HEADERS } from '../eval/cluster-eval.js';
import { formatTable, printJson, writeStdout } from './output.js';
import { ensurePrivateDirSync, writePrivateFileSync } from '../runtime/private-files.js';

interface EvalOptions extends EngineCliOptions {
  json?: boolean;
  cache?: string;
  minImages?: number;
  threshold?: number;
  weight?: string;
  k?: number;
  joinDistance?: number;
  mergeAverage?: number;
  mergeGap?: number;
  maxYaw?: number;
}

interface Cached {
  d: string | null; // base64 float32 descriptor, null: no face
  h: number;
  e: number;
  s: number;
  q: number;
  /** Head turn (faces/align.ts yawOffset); absent in caches written before it existed. */
  y?: number;
}

/** Images of a labelled folder: [identity, path] in sorted order. */
function listImages(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new FaceidxError('FACEIDX_USAGE', `cannot read ${dir}: ${(err as Error).message}`, 'give a folder with one subfolder of images per identity');
  }
  for (const name of names) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub).sort()) if (/\.(jpe?g|png|webp|gif|tiff?)$/i.test(f)) out.push([name, join(sub, f)]);
  }
  return out;
}

/**
 * One cache file per folder, crop and detector settings (another detector finds other faces).
 * `skipStatic` is the daemon's per-camera frame skip, which never applies to still images, so it
 * stays out of the key: changing it must not throw away a 13-minute descriptor run.
 */
export function cacheFile(opts: Pick<EvalOptions, 'cache'>, dir: string, align: string, detector: Config['detector']): string {
  const base = opts.cache ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'faceidx', 'eval');
  ensurePrivateDirSync(base); // descriptors of faces
  // The resolved settings in the order the key had before detector.model existed, so SSD caches stay valid.
  const r = resolveDetector(detector);
  const ssdKey = { minScore: r.minScore, nmsIou: r.nmsIou, minFaceSize: r.minFaceSize, maxImageSide: r.maxImageSide, padPass: r.padPass, padFactors: r.padFactors, padMirror: r.padMirror };
  const settingsKey = r.model === 'ssd' ? ssdKey : { ...ssdKey, model: r.model, inputWidth: r.inputWidth };
  return join(base, `${createHash('sha1').update(`${resolve(dir)}|${align}|${JSON.stringify(settingsKey)}`).digest('hex').slice(0, 16)}.json`);
}

async function describe(images: Array<[string, string]>, opts: EvalOptions, dir: string): Promise<Map<string, Cached>> {
  // batchWait is given explicitly: engineSettings re-parses the parsed config, so a default of
  // 50 (ms) would be read again as 50 seconds (reported to the faces stage).
  const { engine, align, config } = await createCliEngine(opts, { batchWait: 5 });
  const file = cacheFile(opts, dir, align, config.detector);
  let cache: Record<string, Cached> = {};
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Cached>;
  } catch {
    // first run
  }
  const key = (p: string) => {
    const st = statSync(p);
    return `${p}|${st.size}|${st.mtimeMs}`;
  };
  const save = () => {
    writePrivateFileSync(`${file}.tmp`, JSON.stringify(cache));
    renameSync(`${file}.tmp`, file);
  };
  // Entries from before the head-turn measure existed are described again.
  const todo = images.filter(([, p]) => { const c = cache[key(p)]; return !c || (c.d !== null && c.y === undefined); });
  let done = 0;
  const worker = async () => {
    for (let item = todo.shift(); item; item = todo.shift()) {
      const p = item[1];
      const img = await loadImage(p);
      const faces = await engine.analyze(img, { align });
      const cx = img.width / 2;
      const cy = img.height / 2;
      const dist = (f: (typeof faces)[number]) => Math.hypot(f.box.x + f.box.width / 2 - cx, f.box.y + f.box.height / 2 - cy);
      const best = faces.sort((a, b) => dist(a) - dist(b))[0];
      cache[key(p)] = best
        ? { d: Buffer.from(best.descriptor.buffer, best.descriptor.byteOffset, best.descriptor.byteLength).toString('base64'), h: best.quality.height, e: best.quality.eyeDistance, s: best.quality.sharpness, q: best.score, y: best.quality.yaw }
        : { d: null, h: 0, e: 0, s: 0, q: 0 };
      if (++done % 200 === 0) {
        save();
        process.stderr.write(`eval: ${done} images described\n`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  save();
  return new Map(images.map(([, p]) => [p, cache[key(p)]!]));
}

async function runEval(dir: string, opts: EvalOptions): Promise<void> {
  const all = listImages(dir);
  const perId = new Map<string, number>();
  for (const [id] of all) perId.set(id, (perId.get(id) ?? 0) + 1);
  const images = all.filter(([id]) => (perId.get(id) ?? 0) >= (opts.minImages ?? 1));
  if (images.length === 0) throw new FaceidxError('FACEIDX_USAGE', `no images in ${dir} (with --min-images ${opts.minImages ?? 1})`, 'give a folder with one subfolder of images per identity');
  const described = await describe(images, opts, dir);
  const base = configSchema.parse({ storage: { dir: '.' } });
  const clustering = { ...base.clustering, ...(opts.threshold ? { threshold: opts.threshold } : {}), ...(opts.k ? { k: opts.k } : {}), ...(opts.weight ? { weight: opts.weight as 'linear' } : {}), ...(opts.joinDistance !== undefined ? { joinDistance: opts.joinDistance } : {}), ...(opts.mergeAverage !== undefined ? { mergeAverage: opts.mergeAverage } : {}), ...(opts.mergeGap !== undefined ? { mergeGap: opts.mergeGap } : {}) };
  const quality = { ...base.quality, ...(opts.maxYaw !== undefined ? { maxYaw: opts.maxYaw } : {}) };
  const ids = new Map<string, number>();
  const descriptors: Float32Array[] = [];
  const truth: number[] = [];
  const clusterable: boolean[] = [];
  for (const [id, p] of images) {
    const c = described.get(p)!;
    if (c.d === null) continue;
    const buf = Buffer.from(c.d, 'base64');
    descriptors.push(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
    truth.push(ids.get(id) ?? ids.set(id, ids.size).get(id)!);
    clusterable.push(isClusterable({ height: c.h, eyeDistance: c.e, sharpness: c.s, score: c.q, ...(c.y !== undefined ? { yaw: c.y } : {}) }, quality));
  }
  const methods = await evaluateClustering({ descriptors, truth: Int32Array.from(truth), clusterable }, clustering, base.index);
  const summary = { images: images.length, identities: ids.size, faces: descriptors.length, noFace: images.length - descriptors.length, notClusterable: clusterable.filter((c) => !c).length, clustering, methods };
  if (opts.json) {
    printJson(summary);
    return;
  }
  writeStdout(`${dir}: ${summary.images} images, ${summary.identities} identities, ${summary.faces} faces (${summary.noFace} images without a face, ${summary.notClusterable} faces below the quality gate)\n`);
  writeStdout(formatTable(EVAL_HEADERS, evalTable(methods), { right: [1, 2, 3, 4, 5, 6, 7, 8] }));
}

export function registerEvalCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('eval')
    .description('Cluster a labelled folder (one subfolder per identity) with faceidx and the baselines; print pairwise and BCubed scores.')
    .argument('<dir>', 'labelled folder, e.g. LFW')
    .option('--json', 'print JSON: {images, identities, faces, methods: {incremental, batch, dbscan, dlib, dlib06}}')
    .option('--cache <dir>', 'descriptor cache folder (default ~/.cache/faceidx/eval)')
    .option('--min-images <n>', 'only identities with at least this many images', (v) => Number(v))
    .option('--threshold <d>', 'override clustering.threshold', (v) => Number(v))
    .option('--k <n>', 'override clustering.k', (v) => Number(v))
    .option('--weight <kind>', 'override clustering.weight: linear | gaussian | binary')
    .option('--join-distance <d>', 'override clustering.joinDistance', (v) => Number(v))
    .option('--merge-average <d>', 'override clustering.mergeAverage (0: off)', (v) => Number(v))
    .option('--merge-gap <d>', 'override clustering.mergeGap (0: off)', (v) => Number(v))
    .option('--max-yaw <d>', 'override quality.maxYaw (0: off)', (v) => Number(v));
  addEngineOptions(cmd).action(async (dir: string, opts: EvalOptions) => {
    await runEval(dir, opts);
    setExit(ExitCode.OK);
  });
}
