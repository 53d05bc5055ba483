/**
 * The small-face pass, measured: recall by face height and cost per frame of each way to find
 * small faces in a 1080p (or larger) clip, against labelled face boxes (a labels file as made for
 * clips-eval's box labels: `{ frames: [{ t, faces: [{ x, y, w, h, person }] }] }`).
 *
 *   node --import tsx scripts/small-faces-study.ts --labels crowd-a-labels.json [--fps 5] [--json] <clip>
 *
 * Every frame of the clip at --fps is detected by every variant (variants that follow faces need
 * the frames in between); the labelled frames are scored. A labelled face counts as found when a
 * detection overlaps it (IoU >= 0.3, or the detection's centre inside the label and the heights
 * within a factor 2; clips-eval's `overlaps`). Variants (src/faces/smallfaces.ts plans the regions):
 *  - base: the frame at detector.inputWidth only (640: a face of 30 px in 1080p is 10 px there);
 *  - frame@S: plus the whole frame at scale S (2/3 = detecting at 1280; 1 = full resolution);
 *  - the configured small-face pass (smallFaces.*) as the daemon runs it, with the faces of
 *    the previous frame as its tracks.
 * Time is per frame, the mean over the clip, in the same run (compare rows, not runs).
 * `--start K`: the configured pass starts at frame K (its first keyframe), so the labelled frames
 * are not all keyframes; `--verbose` names the labelled faces each variant missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import type { Detection, DetectOptions, YunetDetector } from '../src/faces/detectors.js';
import { defaultModelDir, FaceEngine, loadImage } from '../src/faces/index.js';
import { SmallFacePlanner } from '../src/daemon/small-faces.js';
import { overlaps } from './clips-eval.js';
import { sceneSignature } from '../src/feed/scene.js';
import { createLogger } from '../src/log/logger.js';

interface LabelFace { x: number; y: number; w: number; h: number; person: string }
interface Labels { frames: Array<{ t: number; faces: LabelFace[] }> }

const argv = process.argv.slice(2);
let fps = 5, json = false, labelsFile = '', start = 0, verbose = false;
const sets: Array<[string, string]> = [];
const clips: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--fps') fps = Number(argv[++i]);
  else if (a === '--json') json = true;
  else if (a === '--verbose') verbose = true;
  else if (a === '--start') start = Number(argv[++i]);
  else if (a === '--labels') labelsFile = resolve(argv[++i]!);
  else if (a === '--set') { const [k, v] = argv[++i]!.split('='); sets.push([k!, v!]); }
  else clips.push(resolve(a));
}
if (clips.length !== 1 || !labelsFile) throw new Error('usage: small-faces-study.ts --labels FILE [--fps 5] [--set smallFaces.key=value] <clip>');
const labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as Labels;
const byFrame = new Map(labels.frames.map((f) => [Math.round(f.t * fps), f.faces]));

const planned = (smallFaces: Record<string, unknown>) => configSchema.parse({ cameras: [], storage: { dir: '/tmp' }, detector: { smallFaces } }).detector;
const extra: Record<string, unknown> = {};
for (const [k, v] of sets) {
  const [section, key] = k.split('.');
  if (section !== 'smallFaces') throw new Error('--set takes smallFaces.key=value');
  extra[key!] = Number.isNaN(Number(v)) ? v : Number(v);
}
const cfg = planned(extra);
const engine = await FaceEngine.create({ detector: cfg, inference: configSchema.parse({ storage: { dir: '/tmp' } }).inference, modelDir: defaultModelDir(), log: createLogger({ level: 'warn', pretty: false, destination: process.stderr }) });
const yunet = engine.detector as YunetDetector;

const dir = mkdtempSync(join(tmpdir(), 'faceidx-small-'));
execFileSync('ffmpeg', ['-v', 'error', '-i', clips[0]!, '-vf', `fps=${fps}`, join(dir, '%05d.png')]);
const files = readdirSync(dir).sort();

type Img = { width: number; height: number; data: Uint8Array };
type Variant = { name: string; plan: (img: Img, prev: Detection[], i: number) => DetectOptions };
const whole = (s: number) => (img: Img): DetectOptions => ({ regions: [{ x: 0, y: 0, width: img.width, height: img.height, scale: s }] });
/** The daemon's planner with these smallFaces settings (the configured ones with --set on top). */
function plannerVariant(name: string, settings: Record<string, unknown>): Variant {
  const detector = planned({ ...extra, ...settings });
  const planner = new SmallFacePlanner(detector);
  return {
    name: `${name} ${JSON.stringify(settings)}`,
    plan: (img, prev, i) => {
      if (i < start) return {};
      planner.saw('c', prev.map((d) => d.box));
      return planner.plan({ cameraId: 'c', width: img.width, height: img.height, ts: (i * 1000) / fps }, sceneSignature(img));
    },
  };
}
const variants: Variant[] = [
  { name: 'base (640)', plan: () => ({}) },
  { name: 'frame@0.67 (1280)', plan: whole(2 / 3) },
  { name: 'frame@1 (full)', plan: whole(1) },
  plannerVariant('tiles', { mode: 'tiles', tileScale: 1 }),
  plannerVariant('tiles', { mode: 'tiles' }),
  plannerVariant('tracks', { recheckHeight: 0, tileScale: 1 }),
  plannerVariant('tracks', { recheckHeight: 0 }),
  plannerVariant('tracks', { recheckHeight: 0, maxHeight: 100 }),
  plannerVariant('tracks', { recheckHeight: 0, every: '0.4s', minFrames: 2 }),
  plannerVariant('tracks', { recheckHeight: 0, candidateScore: 0.3 }),
  plannerVariant('tracks', { recheckHeight: 80 }),
  plannerVariant('tracks', { recheckHeight: 120 }),
  plannerVariant('tracks', { recheckHeight: 80, candidateScore: 0.3 }),
  plannerVariant('tracks', { recheckHeight: 80, candidateScore: 0.3, maxHeight: 80 }),
  plannerVariant('tracks', { recheckHeight: 80, scale: 1.5, maxHeight: 40 }),
  plannerVariant('tracks', { every: '1h' }),
];

const bands = [[0, 24], [24, 35], [35, 60], [60, 1e9]] as const;
const stats = variants.map(() => ({ ms: 0, frames: 0, found: bands.map(() => 0), total: bands.map(() => 0), extra: 0, regions: 0 }));
const prev = variants.map(() => [] as Detection[]);

/** The detection matches the label by clips-eval's rule (overlaps). */
const matches = (d: Detection, l: LabelFace) => overlaps({ x: d.box.x, y: d.box.y, w: d.box.width, h: d.box.height }, l);

for (let i = 0; i < files.length; i++) {
  const img = await loadImage(join(dir, files[i]!));
  const gt = byFrame.get(i);
  for (let v = 0; v < variants.length; v++) {
    const opts = variants[v]!.plan(img, prev[v]!, i);
    const t0 = performance.now();
    const dets = await yunet.detect(img, opts);
    stats[v]!.ms += performance.now() - t0;
    stats[v]!.frames++;
    stats[v]!.regions += opts.regions?.length ?? 0;
    prev[v] = dets;
    if (!gt) continue;
    const used = new Set<number>();
    for (const l of gt) {
      const b = bands.findIndex(([lo, hi]) => l.h > lo && l.h <= hi);
      stats[v]!.total[b]!++;
      const k = dets.findIndex((d, j) => !used.has(j) && matches(d, l));
      if (k >= 0) { used.add(k); stats[v]!.found[b]!++; }
      else if (verbose) console.error(`${variants[v]!.name.slice(0, 40)}: missed ${l.person} at frame ${i} (${l.x},${l.y} ${l.w}x${l.h})`);
    }
    stats[v]!.extra += dets.length - used.size;
  }
}
rmSync(dir, { recursive: true, force: true });
await engine.close();

const rows = variants.map((v, k) => {
  const s = stats[k]!;
  const over24 = s.found.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, s.total.slice(1).reduce((a, b) => a + b, 0));
  return {
    variant: v.name,
    msPerFrame: Math.round(s.ms / s.frames),
    regionsPerFrame: +(s.regions / s.frames).toFixed(2),
    recall: bands.map(([lo, hi], b) => `${lo}-${hi === 1e9 ? '' : hi}: ${s.found[b]}/${s.total[b]}`).join(', '),
    recallOver24: +(100 * over24).toFixed(1),
    extraBoxes: s.extra,
  };
});
if (json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('| variant | ms/frame | regions/frame | found by height (px) | found > 24 px | boxes not labelled |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.variant} | ${r.msPerFrame} | ${r.regionsPerFrame} | ${r.recall} | ${r.recallOver24}% | ${r.extraBoxes} |`);
}
