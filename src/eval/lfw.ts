/**
 * LFW's verification protocol (pure): pairs.txt parsing, image paths, and 10-fold accuracy
 * where the distance threshold is chosen on 9 folds and tested on the 10th. A pair whose
 * distance is missing (a face not found) always counts as an error.
 */
import { join } from 'node:path';

export interface LfwImage {
  name: string;
  index: number;
}

export interface LfwPair {
  a: LfwImage;
  b: LfwImage;
  same: boolean;
  fold: number;
}

/** Parses LFW's pairs format: `folds perFold`, then per fold perFold same pairs `Name i j` and perFold different pairs `Name1 i Name2 j`. */
export function parsePairs(text: string): LfwPair[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const head = (lines[0] ?? '').split(/\s+/).map(Number);
  const [folds, perFold] = head;
  if (!folds || !perFold || head.length !== 2) throw new Error('pairs file must start with "<folds> <pairs per fold>" (e.g. "10 300")');
  const pairs: LfwPair[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(/\s+/);
    const fold = Math.floor((i - 1) / (2 * perFold));
    if (f.length === 3) {
      pairs.push({ a: { name: f[0]!, index: Number(f[1]) }, b: { name: f[0]!, index: Number(f[2]) }, same: true, fold });
    } else if (f.length === 4) {
      pairs.push({ a: { name: f[0]!, index: Number(f[1]) }, b: { name: f[2]!, index: Number(f[3]) }, same: false, fold });
    } else {
      throw new Error(`pairs file line ${i + 1}: expected "Name i j" or "Name1 i Name2 j"`);
    }
  }
  if (pairs.length !== folds * perFold * 2) throw new Error(`pairs file declares ${folds * perFold * 2} pairs but has ${pairs.length}`);
  return pairs;
}

/** `<dir>/<Name>/<Name>_NNNN.jpg`. */
export function lfwImagePath(dir: string, img: LfwImage): string {
  return join(dir, img.name, `${img.name}_${String(img.index).padStart(4, '0')}.jpg`);
}

/** Threshold maximising accuracy (same when distance < t) over the given pairs; misses count as errors. */
export function bestThreshold(dist: Array<number | null>, same: boolean[], idx: number[]): number {
  const found = idx.filter((i) => dist[i] !== null).sort((p, q) => dist[p]! - dist[q]!);
  // Start with t below every distance: every found pair predicted "different".
  let correct = found.filter((i) => !same[i]).length;
  let best = correct;
  let bestT = found.length ? dist[found[0]!]! - 1e-6 : 0.6;
  for (let k = 0; k < found.length; k++) {
    correct += same[found[k]!] ? 1 : -1; // pair k moves to "same"
    const next = k + 1 < found.length ? dist[found[k + 1]!]! : dist[found[k]!]! + 1e-3;
    if (correct > best && next > dist[found[k]!]!) {
      best = correct;
      bestT = (dist[found[k]!]! + next) / 2;
    }
  }
  return bestT;
}

export function accuracyAt(dist: Array<number | null>, same: boolean[], idx: number[], t: number): number {
  let ok = 0;
  for (const i of idx) if (dist[i] !== null && dist[i]! < t === same[i]) ok++;
  return idx.length ? ok / idx.length : 0;
}

export interface FoldResult {
  accuracy: number;
  std: number;
  /** Mean of the 10 thresholds chosen on the training folds. */
  threshold: number;
  foldAccuracies: number[];
}

export function tenFold(dist: Array<number | null>, pairs: LfwPair[]): FoldResult {
  const same = pairs.map((p) => p.same);
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const accs: number[] = [];
  const ts: number[] = [];
  for (const f of folds) {
    const train = pairs.map((_, i) => i).filter((i) => pairs[i]!.fold !== f);
    const test = pairs.map((_, i) => i).filter((i) => pairs[i]!.fold === f);
    const t = bestThreshold(dist, same, train);
    ts.push(t);
    accs.push(accuracyAt(dist, same, test, t));
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return { accuracy: mean, std, threshold: ts.reduce((a, b) => a + b, 0) / ts.length, foldAccuracies: accs };
}

export { euclidean } from '../index/distance.js';

/** Index of the face whose box centre is nearest the image centre (LFW's label convention). */
export function nearestCentre(boxes: Array<{ x: number; y: number; width: number; height: number }>, width: number, height: number): number {
  let best = -1;
  let bestD = Infinity;
  boxes.forEach((b, i) => {
    const d = Math.hypot(b.x + b.width / 2 - width / 2, b.y + b.height / 2 - height / 2);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
