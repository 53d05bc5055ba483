/**
 * How the daemon groups real footage: every clip becomes one camera, `faceidx run --until-done`
 * runs the real pipeline on them (ffmpeg, detector cascade, quality gate, incremental
 * clustering), then the store is read back and scored with each clip's name as the label of
 * all its faces. Meant for clips that show one person each (../shared/data/videos/talking-heads);
 * a clip with other people in it (an audience shot) shows up as a clip split over people.
 *
 *   node --import tsx scripts/clips-eval.ts [--fps 2] [--json] [--keep DIR] [--recluster] [--labels FILE] [--set key=value ...] <clip...>
 *
 * `--labels FILE` (JSON, e.g. scripts/talking-heads-labels.json) corrects "one person per clip"
 * for clips that show more people: per clip (camera id), rules `{ from, to, xMax?, label }`
 * tried in order on each face's time in the clip (seconds, from <= t < to) and box centre
 * (frame pixels, x < xMax); the first that matches names the face's person, others keep the clip.
 *
 * `--boxes FILE` (repeatable; e.g. a crowd clip labelled by eye) names faces by their box instead:
 * `{ "clip": camera id, "frames": [{ "t": seconds, "faces": [{ "x", "y", "w", "h", "person" }] }] }`.
 * A stored face of a labelled frame (within half a sampled frame of t) that overlaps a labelled
 * box (IoU >= 0.3, or its centre inside the box with heights within a factor 2) takes its person;
 * the report then adds, over the labelled frames: the labelled faces taller than 24 px that were
 * stored (any face, gated ones too), the people holding faces of two labelled people (mixed), and
 * BCubed over the labelled faces with a person, gated ones included (what the montages show).
 *
 * `--set quality.maxYaw=0.5` (repeatable) puts a setting into the generated config.
 *
 * Reports, live (as the daemon left them) and, with --recluster, after `faceidx recluster`:
 *  - people: every person holding a clustered face, and those with >= clustering.minFaces;
 *  - merged: people whose faces come from more than one clip (two people taken as one);
 *  - split: clips whose clustered faces sit with more than one person;
 *  - BCubed precision / recall / F1 over the clustered faces, label = clip (or --labels); and the same over
 *    the faces alone in their frame (in a frame with two faces, one is not the clip's person);
 *  - faces the quality gate kept out of clustering.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bcubed } from '../src/eval/metrics.js';
import { rectIou } from '../src/faces/detect.js';
import { openStore } from '../src/store/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

interface Args {
  fps: number;
  json: boolean;
  keep: string | null;
  recluster: boolean;
  labels: string | null;
  boxes: string[];
  /** Extra settings, `section.key=value`, written into the generated config. */
  set: Array<[string, string, string]>;
  clips: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { fps: 2, json: false, keep: null, recluster: false, labels: null, boxes: [], set: [], clips: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--fps') args.fps = Number(argv[++i]);
    else if (a === '--json') args.json = true;
    else if (a === '--recluster') args.recluster = true;
    else if (a === '--keep') args.keep = resolve(argv[++i]!);
    else if (a === '--labels') args.labels = resolve(argv[++i]!);
    else if (a === '--boxes') args.boxes.push(resolve(argv[++i]!));
    else if (a === '--set') {
      const m = /^(\w+)\.(\w+)=(.+)$/.exec(argv[++i] ?? '');
      if (!m) throw new Error('--set wants section.key=value, e.g. quality.maxYaw=0.5');
      args.set.push([m[1]!, m[2]!, m[3]!]);
    }
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.clips.push(resolve(a));
  }
  if (args.clips.length === 0) throw new Error('give one or more clips, e.g. ../shared/data/videos/talking-heads/*.mp4');
  if (!(args.fps > 0)) throw new Error('--fps must be a positive number');
  return args;
}

function cameraId(file: string): string {
  return basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
}

function faceidx(args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`faceidx ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r.stdout;
}

interface FaceRow {
  camera_id: string;
  clusterable: number;
  person_id: number | null;
  /** The frame's time (faces of one frame share it); absent in rows that do not say. */
  ts?: number;
  /** Seconds into the clip, and the box (for --labels). */
  frame_pos?: number;
  x?: number;
  y?: number;
  w?: number;
  h?: number;
  /** Who the face shows when --labels says; else the clip's one person. */
  label?: string;
}

/** Per clip, rules naming who the faces in a stretch of time (and left of xMax) show. */
export type ClipLabels = Record<string, Array<{ from: number; to: number; xMax?: number; label: string }>>;

/** Sets `label` on the faces a rule of `labels` matches (the first rule that does). Pure. */
export function applyLabels<T extends FaceRow>(rows: readonly T[], labels: ClipLabels): Array<T & { label?: string }> {
  return rows.map((r) => {
    const t = r.frame_pos;
    const cx = r.x !== undefined && r.w !== undefined ? r.x + r.w / 2 : undefined;
    const rule = (labels[r.camera_id] ?? []).find((l) => t !== undefined && t >= l.from && t < l.to && (l.xMax === undefined || (cx !== undefined && cx < l.xMax)));
    return rule ? { ...r, label: rule.label } : r;
  });
}

/** Faces labelled by their box in some frames of a clip (made by eye). */
export interface BoxLabels {
  clip: string;
  frames: Array<{ t: number; faces: Array<{ x: number; y: number; w: number; h: number; person: string }> }>;
}

export interface BoxScore {
  /** Labelled faces taller than 24 px, and those a stored face matched. */
  labelled: number;
  stored: number;
  /** People holding faces of two or more labelled people. */
  mixed: number;
  /** Stored faces in labelled frames that match no label (false boxes, or faces not labelled). */
  unlabelled: number;
  bcubed: { precision: number; recall: number; f1: number };
  /** Per labelled person: the people their faces went to. */
  perPerson: Record<string, number[]>;
}

/** A found box `r` matches a labelled box `l`: IoU >= 0.3, or r's centre inside l with the heights within a factor 2. Pure. */
export function overlaps(r: { x: number; y: number; w: number; h: number }, l: { x: number; y: number; w: number; h: number }): boolean {
  const iou = rectIou({ x: r.x, y: r.y, width: r.w, height: r.h }, { x: l.x, y: l.y, width: l.w, height: l.h });
  const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  const ratio = r.h / l.h;
  return iou >= 0.3 || (cx >= l.x && cx <= l.x + l.w && cy >= l.y && cy <= l.y + l.h && ratio > 0.5 && ratio < 2);
}

/**
 * Scores stored faces against box labels (see --boxes): per labelled frame, labels and the stored
 * faces of that frame (|frame_pos - t| < tolerance) are paired greedily: each label, the tallest
 * first, takes the first unused stored face that overlaps it. Pure.
 */
export function scoreBoxes(rows: readonly FaceRow[], labels: readonly BoxLabels[], tolerance: number): BoxScore {
  let labelled = 0, stored = 0, unlabelled = 0;
  const pairs: Array<{ person: number; label: string }> = [];
  for (const clip of labels) {
    const mine = rows.filter((r) => r.camera_id === clip.clip && r.frame_pos !== undefined && r.x !== undefined);
    for (const frame of clip.frames) {
      const faces = mine.filter((r) => Math.abs(r.frame_pos! - frame.t) < tolerance);
      const used = new Set<number>();
      for (const l of [...frame.faces].sort((a, b) => b.h - a.h)) {
        const k = faces.findIndex((r, i) => !used.has(i) && overlaps(r as Required<FaceRow>, l));
        if (l.h > 24) labelled++;
        if (k < 0) continue;
        used.add(k);
        if (l.h > 24) stored++;
        const person = faces[k]!.person_id;
        if (person !== null) pairs.push({ person, label: `${clip.clip}/${l.person}` });
      }
      unlabelled += faces.length - used.size;
    }
  }
  const byPerson = new Map<number, Set<string>>();
  const perPerson: Record<string, number[]> = {};
  for (const p of pairs) {
    byPerson.set(p.person, (byPerson.get(p.person) ?? new Set()).add(p.label));
    const list = (perPerson[p.label] ??= []);
    if (!list.includes(p.person)) list.push(p.person);
  }
  const labelIds = new Map<string, number>();
  const idOf = (l: string) => (labelIds.has(l) ? labelIds.get(l)! : (labelIds.set(l, labelIds.size), labelIds.size - 1));
  return {
    labelled,
    stored,
    mixed: [...byPerson.values()].filter((s) => s.size > 1).length,
    unlabelled,
    bcubed: pairs.length > 0 ? bcubed(pairs.map((p) => p.person), pairs.map((p) => idOf(p.label))) : { precision: 1, recall: 1, f1: 1 },
    perPerson,
  };
}

export interface ClipScore {
  people: number;
  confirmed: number;
  merged: number;
  split: number;
  /** People holding two faces of one frame (any face, gated ones too): never right. */
  twoInOneFrame: number;
  bcubed: { precision: number; recall: number; f1: number };
  /**
   * The same over the faces alone in their frame: "one person per clip" cannot hold for a frame
   * with two faces (an audience shot), so there the clip is no label for either face.
   */
  alone: { faces: number; bcubed: { precision: number; recall: number; f1: number } };
  perClip: Record<string, { faces: number; people: number; topShare: number }>;
}

/** One camera frame: faces of one frame share camera and time. */
const frameOf = (r: FaceRow) => `${r.camera_id}\u0000${r.ts}`;

/** Scores stored faces against "one person per clip". Pure. */
export function scoreClips(rows: readonly FaceRow[], minFaces: number): ClipScore {
  const clustered = rows.filter((r) => r.clusterable === 1 && r.person_id !== null);
  const byPerson = new Map<number, Map<string, number>>();
  const byClip = new Map<string, Map<number, number>>();
  for (const r of clustered) {
    const p = r.person_id!;
    const pc = byPerson.get(p) ?? new Map<string, number>();
    pc.set(r.camera_id, (pc.get(r.camera_id) ?? 0) + 1);
    byPerson.set(p, pc);
    const cp = byClip.get(r.camera_id) ?? new Map<number, number>();
    cp.set(p, (cp.get(p) ?? 0) + 1);
    byClip.set(r.camera_id, cp);
  }
  const sum = (m: Map<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const perClip: ClipScore['perClip'] = {};
  for (const [clip, people] of [...byClip].sort((a, b) => a[0].localeCompare(b[0]))) {
    perClip[clip] = { faces: sum(people), people: people.size, topShare: Math.max(...people.values()) / sum(people) };
  }
  const labelIndex = new Map<string, number>();
  const labelOf = (r: FaceRow) => {
    const l = r.label ?? r.camera_id;
    if (!labelIndex.has(l)) labelIndex.set(l, labelIndex.size);
    return labelIndex.get(l)!;
  };
  const score = (rs: readonly FaceRow[]) => bcubed(rs.map((r) => r.person_id!), rs.map(labelOf));
  const m = score(clustered);
  const inFrame = new Map<string, number>();
  for (const r of rows) if (r.ts !== undefined) inFrame.set(frameOf(r), (inFrame.get(frameOf(r)) ?? 0) + 1);
  const alone = clustered.filter((r) => r.ts === undefined || inFrame.get(frameOf(r)) === 1);
  return {
    people: byPerson.size,
    confirmed: [...byPerson.values()].filter((c) => sum(c) >= minFaces).length,
    merged: [...byPerson.values()].filter((c) => c.size > 1).length,
    split: [...byClip.values()].filter((c) => c.size > 1).length,
    twoInOneFrame: peopleTwiceInOneFrame(rows),
    bcubed: m,
    alone: { faces: alone.length, bcubed: score(alone) },
    perClip,
  };
}

/** People with two faces in one frame (same camera and ts). Pure. */
export function peopleTwiceInOneFrame(rows: readonly FaceRow[]): number {
  const seen = new Set<string>();
  const twice = new Set<number>();
  for (const r of rows) {
    if (r.person_id === null || r.ts === undefined) continue;
    const key = `${r.person_id}\u0000${frameOf(r)}`;
    if (seen.has(key)) twice.add(r.person_id);
    else seen.add(key);
  }
  return twice.size;
}

async function readRows(storageDir: string, labels: ClipLabels): Promise<FaceRow[]> {
  const store = await openStore(storageDir, { readonly: true });
  try {
    return await store.db.all<FaceRow>(
      `SELECT f.camera_id, f.clusterable, fp.person_id, f.ts, f.frame_pos, f.x, f.y, f.w, f.h
         FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id
        ORDER BY f.id`,
    ).then((rows) => applyLabels(rows, labels));
  } finally {
    await store.close();
  }
}

function pct(x: number): string {
  return x.toFixed(3);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const labels = args.labels ? (JSON.parse(readFileSync(args.labels, 'utf8')) as ClipLabels) : {};
  const boxes = args.boxes.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BoxLabels);
  const boxScore = (rows: readonly FaceRow[]) => (boxes.length > 0 ? scoreBoxes(rows, boxes, 0.5 / args.fps) : undefined);
  const work = args.keep ?? mkdtempSync(join(tmpdir(), 'faceidx-clips-'));
  mkdirSync(work, { recursive: true });
  const storage = join(work, 'state');
  rmSync(storage, { recursive: true, force: true });
  const config = join(work, 'config.yaml');
  const cameras = args.clips.map((f) => `  - id: ${cameraId(f)}\n    url: ${JSON.stringify(f)}\n    fps: ${args.fps}\n`).join('');
  const sections = new Map<string, string[]>([['inference', ['  device: cpu']], ['logging', ['  level: warn']]]);
  for (const [section, key, value] of args.set) sections.set(section, [...(sections.get(section) ?? []), `  ${key}: ${value}`]);
  const extra = [...sections].map(([section, lines]) => `${section}:\n${lines.join('\n')}\n`).join('');
  writeFileSync(config, `storage:\n  dir: ${JSON.stringify(storage)}\ncameras:\n${cameras}${extra}`);
  const minFaces = (JSON.parse(faceidx(['config', 'check', config, '--json'])) as { clustering: { minFaces: number } })
    .clustering.minFaces;

  const started = Date.now();
  faceidx(['run', '--config', config, '--until-done']);
  const seconds = (Date.now() - started) / 1000;
  const rows = await readRows(storage, labels);
  const result: Record<string, unknown> = {
    clips: args.clips.length,
    fps: args.fps,
    settings: Object.fromEntries(args.set.map(([s, k, v]) => [`${s}.${k}`, v])),
    seconds,
    faces: rows.length,
    gated: rows.filter((r) => r.clusterable !== 1).length,
    live: scoreClips(rows, minFaces),
    liveBoxes: boxScore(rows),
  };
  if (args.recluster) {
    faceidx(['recluster', '--config', config, '--json']);
    const reclustered = await readRows(storage, labels);
    result.reclustered = scoreClips(reclustered, minFaces);
    result.reclusteredBoxes = boxScore(reclustered);
  }
  if (!args.keep) rmSync(work, { recursive: true, force: true });

  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${args.clips.length} clips at ${args.fps} fps, ${seconds.toFixed(1)} s: ${rows.length} faces, ${String(result.gated)} kept out by the quality gate\n`,
  );
  for (const key of ['live', 'reclustered'] as const) {
    const s = result[key] as ClipScore | undefined;
    if (!s) continue;
    process.stdout.write(
      `${key}: ${s.people} people (${s.confirmed} with >= ${minFaces} faces), ${s.merged} merged across clips, ${s.split} clips split, ` +
        `${s.twoInOneFrame} holding two faces of one frame; ` +
        `BCubed P ${pct(s.bcubed.precision)} R ${pct(s.bcubed.recall)} F1 ${pct(s.bcubed.f1)}; ` +
        `over the ${s.alone.faces} faces alone in their frame P ${pct(s.alone.bcubed.precision)} R ${pct(s.alone.bcubed.recall)} F1 ${pct(s.alone.bcubed.f1)}\n`,
    );
  }
  for (const key of ['liveBoxes', 'reclusteredBoxes'] as const) {
    const b = result[key] as BoxScore | undefined;
    if (!b) continue;
    process.stdout.write(
      `${key}: ${b.stored} of ${b.labelled} labelled faces > 24 px stored (${pct(b.stored / Math.max(1, b.labelled))}), ${b.mixed} people holding two labelled people, ` +
        `${b.unlabelled} stored faces matching no label; BCubed over labelled faces P ${pct(b.bcubed.precision)} R ${pct(b.bcubed.recall)} F1 ${pct(b.bcubed.f1)}\n` +
        `  ${Object.entries(b.perPerson).map(([l, ps]) => `${l} -> ${ps.join(',')}`).join('; ')}\n`,
    );
  }
  console.table((result.live as ClipScore).perClip);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`clips-eval: ${err.message}\n`);
    process.exit(1);
  });
}
