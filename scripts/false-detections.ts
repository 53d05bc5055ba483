/**
 * Detector recall and false detections on clips: samples each clip with ffmpeg and runs the
 * detector alone (detector.model from --set, default yunet) on every frame.
 * - Clips named in test/faces/samples-people.ts (the shipped samples/, or the same Intel clips
 *   elsewhere by the same name) are scored against their people count: faces found per frame
 *   capped at the count, frames with more faces than people (each extra box listed), frames short.
 * - Other clips are treated as single-person clips: frames with more than one face, and none.
 * Usage: node --import tsx scripts/false-detections.ts [--fps 4] [--size 1920x1080]
 *          [--set detector.key=value ...] [--verbose] <clip...>
 * `--size` scales the frames with ffmpeg first (e.g. the 480x270 clips to 1080p), to measure
 * detector.inputWidth on large frames. Prints ms per frame for the detector alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { resolveDetector } from '../src/faces/detectors.js';
import { defaultModelDir, FaceEngine, loadImage } from '../src/faces/index.js';
import { createLogger } from '../src/log/logger.js';
import { SAMPLE_PEOPLE } from '../test/faces/samples-people.js';

const argv = process.argv.slice(2);
let fps = Number(process.env.FACEIDX_FPS ?? 4);
let size: string | null = null;
let verbose = false;
const detector: Record<string, unknown> = {};
const clips: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--fps') fps = Number(argv[++i]);
  else if (a === '--size') size = argv[++i]!;
  else if (a === '--verbose') verbose = true;
  else if (a === '--set') {
    const m = /^detector\.(\w+)=(.*)$/.exec(argv[++i] ?? '');
    if (!m) throw new Error('--set wants detector.key=value, e.g. detector.minScore=0.6');
    detector[m[1]!] = /^[\d.]+$/.test(m[2]!) ? Number(m[2]) : m[2]!.startsWith('[') ? JSON.parse(m[2]!) : m[2];
  } else clips.push(a);
}
const cfg = configSchema.parse({ storage: { dir: '.' }, detector, inference: { device: 'cpu', workers: 0, threads: 1 } });
const engine = await FaceEngine.create({ detector: cfg.detector, inference: cfg.inference, modelDir: defaultModelDir(), log: createLogger({ level: 'warn', pretty: false, destination: process.stderr }) });
const tot = { frames: 0, present: 0, found: 0, over: 0, short: 0, ms: 0 };
const r1 = (v: number) => Math.round(v * 10) / 10;
const resolved = resolveDetector(cfg.detector);
console.log(`detector ${resolved.model}, inputWidth ${resolved.inputWidth}, minScore ${resolved.minScore}, minFaceSize ${resolved.minFaceSize}, padPass ${resolved.padPass}, fps ${fps}${size ? `, frames scaled to ${size}` : ''}`);
for (const clip of clips) {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-fd-'));
  const vf = size ? `fps=${fps},scale=${size.replace('x', ':')}` : `fps=${fps}`;
  execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', vf, join(dir, '%05d.png')]);
  const people = SAMPLE_PEOPLE[basename(clip).replace(/\.(gif|mp4)$/, '.mp4')] ?? 1;
  const row = { frames: 0, present: 0, found: 0, over: 0, short: 0, ms: 0 };
  for (const f of readdirSync(dir).sort()) {
    const img = await loadImage(join(dir, f));
    const t0 = performance.now();
    const dets = await engine.detect(img);
    row.ms += performance.now() - t0;
    row.frames++;
    row.present += people;
    row.found += Math.min(dets.length, people);
    if (dets.length > people) row.over++;
    if (dets.length < people) row.short++;
    if (verbose && dets.length !== people) {
      const list = dets.map((d) => `${r1(d.score)}@${Math.round(d.box.x)},${Math.round(d.box.y)} ${Math.round(d.box.width)}x${Math.round(d.box.height)}`).join('  ');
      console.log(`  ${f}: ${dets.length} faces: ${list}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  for (const k of Object.keys(tot) as Array<keyof typeof tot>) tot[k] += row[k];
  console.log(`${basename(clip).padEnd(46)} people ${people}  frames ${String(row.frames).padStart(3)}  faces ${String(row.found).padStart(3)}/${String(row.present).padStart(3)}  frames over ${String(row.over).padStart(2)}  short ${String(row.short).padStart(2)}  ${(row.ms / row.frames).toFixed(1)} ms/frame`);
}
console.log(`${'all'.padEnd(46)}           frames ${String(tot.frames).padStart(3)}  faces ${String(tot.found).padStart(3)}/${String(tot.present).padStart(3)} (${((100 * tot.found) / tot.present).toFixed(1)}%)  frames over ${String(tot.over).padStart(2)}  short ${String(tot.short).padStart(2)}  ${(tot.ms / tot.frames).toFixed(1)} ms/frame`);
await engine.close();
