/**
 * Clustering quality against ground truth: pairwise and BCubed precision, recall and F1.
 * Pairwise counts pairs of items put together; BCubed averages, per item, the share of its
 * cluster that has its identity (precision) and the share of its identity in its cluster (recall).
 */

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

type Labels = ArrayLike<number>;

/** Counts of (cluster, truth) pairs, and of each cluster and each truth class. */
function contingency(pred: Labels, truth: Labels): { joint: Map<string, number>; byPred: Map<number, number>; byTruth: Map<number, number> } {
  if (pred.length !== truth.length) throw new RangeError(`${pred.length} predictions for ${truth.length} items`);
  const joint = new Map<string, number>();
  const byPred = new Map<number, number>();
  const byTruth = new Map<number, number>();
  for (let i = 0; i < pred.length; i++) {
    const key = `${pred[i]}:${truth[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    byPred.set(pred[i]!, (byPred.get(pred[i]!) ?? 0) + 1);
    byTruth.set(truth[i]!, (byTruth.get(truth[i]!) ?? 0) + 1);
  }
  return { joint, byPred, byTruth };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Pairwise P/R/F1 (no pairs predicted or none true: that side is 1). */
export function pairwise(pred: Labels, truth: Labels): Prf {
  const { joint, byPred, byTruth } = contingency(pred, truth);
  let tp = 0;
  for (const n of joint.values()) tp += pairs(n);
  let predPairs = 0;
  for (const n of byPred.values()) predPairs += pairs(n);
  let truePairs = 0;
  for (const n of byTruth.values()) truePairs += pairs(n);
  const precision = predPairs === 0 ? 1 : tp / predPairs;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  return { precision, recall, f1: f1(precision, recall) };
}

/** BCubed P/R/F1 (items weighted equally). */
export function bcubed(pred: Labels, truth: Labels): Prf {
  const { joint, byPred, byTruth } = contingency(pred, truth);
  if (pred.length === 0) return { precision: 1, recall: 1, f1: 1 };
  let p = 0;
  let r = 0;
  for (const [key, n] of joint) {
    const [c, t] = key.split(':').map(Number) as [number, number];
    p += (n * n) / byPred.get(c)!;
    r += (n * n) / byTruth.get(t)!;
  }
  const precision = p / pred.length;
  const recall = r / pred.length;
  return { precision, recall, f1: f1(precision, recall) };
}

/** Number of distinct labels. */
export function countClusters(labels: Labels): number {
  return new Set(Array.from(labels)).size;
}
