/**
 * How the face tracker links real footage: the real faces stage (detector cascade, landmarks,
 * dlib68 chip, descriptor; cached by scripts/tracks-extract.ts, sampled at 4 fps) feeds the real
 * Tracker (src/tracks) at the chosen rate, with the configured `tracks` settings.
 *
 *   node --import tsx scripts/tracks-study.ts [--fps 4|2|1] [--set tracks.maxDistance=0.4 ...] [--sweep] [--json] <clip...>
 *
 * Per clip: frames, faces, tracks, faces per track, end reasons, and where it can be judged:
 *  - people: from ../shared/data/videos/intel-cc-by-4.0/GROUND-TRUTH.md (those clips show the
 *    same people in every frame, side by side, so ideally one track per person); talking-head
 *    clips show one person (ideally one track per shot);
 *  - extra: tracks beyond the people found (the most faces in one frame): a person's track
 *    broken in two or more, or a one-face track split off an odd face;
 *  - switches (clips of several people): faces are labelled by 1-D k-means of their box centre
 *    x (k = the most faces found in one frame, at most the people there; the people stand or
 *    walk side by side and never cross); a track holding faces of two labels took a face of
 *    another person.
 * Also the measurements the defaults come from: descriptor distance of a face to the aggregate
 * of the track it joined; the same for the nearest other person's track in the frame (Intel
 * clips); movement per second in face heights; sharpness.
 * --sweep runs a grid of maxDistance x maxMove x maxGap and prints the totals per setting.
 */
import { basename } from 'node:path';
import { configSchema, type Config } from '../src/config/schema.js';
import { defaultModelDir, FaceEngine } from '../src/faces/index.js';
import { createLogger } from '../src/log/logger.js';
import { isClusterable } from '../src/faces/quality.js';
import { Tracker, descriptorDistance, type TrackerSettings } from '../src/tracks/index.js';
import { centreDistance } from '../src/tracks/geometry.js';
import { extractClip, type CachedClip } from './tracks-extract.js';

/** People per clip (GROUND-TRUTH.md); talking heads: 1. */
const PEOPLE: Record<string, number> = {
  'classroom.gif': 4,
  'face-demographics-walking.gif': 2,
  'face-demographics-walking-and-pause.gif': 3,
  'head-pose-face-detection-female.gif': 1,
  'head-pose-face-detection-male.gif': 1,
  'head-pose-face-detection-female-and-male.gif': 2,
};

interface ClipResult {
  clip: string;
  frames: number;
  faces: number;
  people: number;
  tracks: number;
  sizes: number[];
  extra: number;
  switches: number | null;
  ends: Record<string, number>;
  joinDist: number[];
  otherDist: number[];
  moves: number[];
}

function parseArgs(argv: string[]) {
  const a = { fps: 4, sweep: false, json: false, set: {} as Record<string, number>, clips: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--fps') a.fps = Number(argv[++i]);
    else if (x === '--sweep') a.sweep = true;
    else if (x === '--json') a.json = true;
    else if (x === '--set') {
      const m = /^tracks\.(\w+)=(.+)$/.exec(argv[++i] ?? '');
      if (!m) throw new Error('--set wants tracks.key=value');
      a.set[m[1]!] = Number(m[2]);
    } else a.clips.push(x);
  }
  if (![1, 2, 4].includes(a.fps)) throw new Error('--fps must be 1, 2 or 4 (sampled from the 4 fps cache)');
  return a;
}

/** 1-D k-means of x centres, initialised at the quantiles; returns the label of each x. */
function kmeans1d(xs: number[], k: number): number[] {
  const sorted = [...xs].sort((p, q) => p - q);
  let c = Array.from({ length: k }, (_, i) => sorted[Math.floor(((i + 0.5) / k) * sorted.length)]!);
  let labels = xs.map(() => 0);
  for (let it = 0; it < 50; it++) {
    labels = xs.map((x) => c.reduce((best, ci, i) => (Math.abs(x - ci) < Math.abs(x - c[best]!) ? i : best), 0));
    c = c.map((ci, i) => {
      const mine = xs.filter((_, j) => labels[j] === i);
      return mine.length ? mine.reduce((s, v) => s + v, 0) / mine.length : ci;
    });
  }
  return labels;
}

function runClip(clip: CachedClip, fps: number, settings: TrackerSettings, gate: Config['quality']): ClipResult {
  const step = Math.round(clip.fps / fps);
  const tracker = new Tracker(settings);
  const people = PEOPLE[clip.clip] ?? 1;
  const faceTrack: number[] = [];
  const xs: number[] = [];
  const ends: Record<string, number> = {};
  const joinDist: number[] = [];
  const otherDist: number[] = [];
  const moves: number[] = [];
  const last = new Map<number, { box: CachedClip['frames'][0]['faces'][0]['box']; ts: number }>();
  const frames = clip.frames.filter((_, i) => i % step === 0);
  for (const f of frames) {
    const ts = 1_700_000_000_000 + Math.round(f.pos * 1000);
    const faces = f.faces.map((x) => ({ ...x, descriptor: Float32Array.from(x.descriptor), clusterable: isClusterable({ ...x.quality, score: x.score }, gate) }));
    const open = tracker.open('clip');
    const r = tracker.step({ cameraId: 'clip', ts, pos: f.pos, width: clip.width, height: clip.height, signature: Float32Array.from(f.signature) }, faces);
    for (const e of r.ended) ends[e.reason] = (ends[e.reason] ?? 0) + 1;
    r.links.forEach((l, i) => {
      faceTrack.push(l.track.key);
      xs.push(faces[i]!.box.x + faces[i]!.box.width / 2);
      if (l.distance !== undefined) joinDist.push(l.distance);
      const prev = last.get(l.track.key);
      if (prev && ts > prev.ts) moves.push(centreDistance(prev.box, faces[i]!.box) / ((ts - prev.ts) / 1000));
      last.set(l.track.key, { box: faces[i]!.box, ts });
      const others = open.filter((t) => t.key !== l.track.key && t.aggregate && faces[i]!.box.height >= settings.descriptorHeight);
      if (others.length) otherDist.push(Math.min(...others.map((t) => descriptorDistance(faces[i]!.descriptor, t.aggregate!))));
    });
  }
  for (const t of tracker.end('clip', 'feed-end')) ends[t.reason] = (ends[t.reason] ?? 0) + 1;
  const byTrack = new Map<number, number[]>();
  faceTrack.forEach((t, i) => byTrack.set(t, [...(byTrack.get(t) ?? []), i]));
  const sizes = [...byTrack.values()].map((v) => v.length).sort((a, b) => b - a);
  let switches: number | null = null;
  const found = Math.min(people, Math.max(0, ...frames.map((f) => f.faces.length)));
  if (people > 1 && found > 0) {
    const labels = kmeans1d(xs, found);
    switches = [...byTrack.values()].filter((ids) => new Set(ids.map((i) => labels[i])).size > 1).length;
  }
  return { clip: clip.clip, frames: frames.length, faces: faceTrack.length, people, tracks: byTrack.size, sizes, extra: Math.max(0, byTrack.size - found), switches, ends, joinDist, otherDist, moves };
}

const q = (v: number[], p: number) => (v.length ? [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))]! : NaN);
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');

function printClips(rs: ClipResult[]): void {
  console.log(`${'clip'.padEnd(46)} frames faces people tracks extra switches  faces/track          ends`);
  for (const r of rs) {
    const ends = Object.entries(r.ends).map(([k, v]) => `${k}:${v}`).join(' ');
    console.log(`${r.clip.padEnd(46)} ${String(r.frames).padStart(6)} ${String(r.faces).padStart(5)} ${String(r.people).padStart(6)} ${String(r.tracks).padStart(6)} ${String(r.extra).padStart(5)} ${String(r.switches ?? '-').padStart(8)}  ${r.sizes.slice(0, 8).join(',').padEnd(20)} ${ends}`);
  }
  const all = (k: 'joinDist' | 'otherDist' | 'moves') => rs.flatMap((r) => r[k]);
  console.log(`total: tracks ${rs.reduce((s, r) => s + r.tracks, 0)}, extra ${rs.reduce((s, r) => s + r.extra, 0)}, switches ${rs.reduce((s, r) => s + (r.switches ?? 0), 0)}`);
  console.log(`distance to own track: median ${f2(q(all('joinDist'), 0.5))} p90 ${f2(q(all('joinDist'), 0.9))} p99 ${f2(q(all('joinDist'), 0.99))} max ${f2(q(all('joinDist'), 1))}`);
  console.log(`distance to the nearest other track in the frame (faces >= descriptorHeight): min ${f2(q(all('otherDist'), 0))} p10 ${f2(q(all('otherDist'), 0.1))} median ${f2(q(all('otherDist'), 0.5))} (n ${all('otherDist').length})`);
  console.log(`movement, face heights per second: median ${f2(q(all('moves'), 0.5))} p90 ${f2(q(all('moves'), 0.9))} max ${f2(q(all('moves'), 1))}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = configSchema.parse({ storage: { dir: '.' }, inference: { device: 'cpu', workers: 0 }, tracks: args.set });
  let eng: FaceEngine | undefined;
  const engine = async () => (eng ??= await FaceEngine.create({ detector: cfg.detector, inference: cfg.inference, modelDir: defaultModelDir(), log: createLogger({ level: 'warn', pretty: false, destination: process.stderr }) }));
  const clips: CachedClip[] = [];
  for (const c of args.clips) clips.push(await extractClip(c, 4, cfg, engine));
  await eng?.close();
  const sharp = clips.flatMap((c) => c.frames.flatMap((f) => f.faces.map((x) => x.quality.sharpness)));
  if (!args.sweep) {
    const rs = clips.map((c) => runClip(c, args.fps, cfg.tracks, cfg.quality));
    if (args.json) console.log(JSON.stringify(rs.map(({ joinDist, otherDist, moves, ...r }) => r)));
    else printClips(rs);
    console.log(`sharpness: p10 ${f2(q(sharp, 0.1))} median ${f2(q(sharp, 0.5))} p90 ${f2(q(sharp, 0.9))}  (fps ${args.fps}, clips ${clips.map((c) => basename(c.clip)).length})`);
    return;
  }
  console.log('maxDistance maxMove maxGap  tracks extra switches');
  for (const maxDistance of [0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    for (const maxMove of [2, 4, 8]) {
      for (const maxGap of [1000, 2000, 3000, 5000]) {
        const rs = clips.map((c) => runClip(c, args.fps, { ...cfg.tracks, maxDistance, maxMove, maxGap }, cfg.quality));
        const sum = (k: 'tracks' | 'extra') => rs.reduce((s, r) => s + r[k], 0);
        console.log(`${String(maxDistance).padStart(11)} ${String(maxMove).padStart(7)} ${String(maxGap).padStart(6)}  ${String(sum('tracks')).padStart(6)} ${String(sum('extra')).padStart(5)} ${String(rs.reduce((s, r) => s + (r.switches ?? 0), 0)).padStart(8)}`);
      }
    }
  }
}

await main();
