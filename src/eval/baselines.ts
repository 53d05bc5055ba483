/**
 * Same-run baselines: the seed's DBSCAN (Euclidean eps, min points, noise as singletons) and
 * dlib's face-clustering recipe (every pair under a threshold as an unweighted edge, self-loops
 * included, Chinese whispers with 100 iterations at random nodes).
 */
import { chineseWhispers, mulberry32, type Edge } from '../cluster/chinese-whispers.js';
import { squaredEuclidean } from '../index/distance.js';

const dist2 = squaredEuclidean;

/** Neighbours of every point within `radius` (self excluded), by brute force. */
export function radiusNeighbours(points: readonly Float32Array[], radius: number): number[][] {
  const r2 = radius * radius;
  const out: number[][] = points.map(() => []);
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (dist2(points[i]!, points[j]!) < r2) {
        out[i]!.push(j);
        out[j]!.push(i);
      }
    }
  }
  return out;
}

/** DBSCAN; noise points become singleton clusters. A point counts itself towards minPoints. */
export function dbscan(points: readonly Float32Array[], eps: number, minPoints: number): Int32Array {
  const nbrs = radiusNeighbours(points, eps);
  const labels = new Int32Array(points.length).fill(-1);
  const core = (i: number) => nbrs[i]!.length + 1 >= minPoints;
  let next = 0;
  for (let i = 0; i < points.length; i++) {
    if (labels[i] !== -1 || !core(i)) continue;
    const c = next++;
    labels[i] = c;
    const stack = [i];
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (!core(p)) continue;
      for (const q of nbrs[p]!) {
        if (labels[q] !== -1) continue;
        labels[q] = c;
        stack.push(q);
      }
    }
  }
  for (let i = 0; i < labels.length; i++) if (labels[i] === -1) labels[i] = next++;
  return labels;
}

/** dlib's recipe (face_clustering.py / dnn_face_recognition_ex.cpp). */
export function dlibRecipe(points: readonly Float32Array[], threshold: number, seed = 1): Int32Array {
  const t2 = threshold * threshold;
  const edges: Edge[] = [];
  for (let i = 0; i < points.length; i++) {
    edges.push({ a: i, b: i });
    for (let j = i + 1; j < points.length; j++) if (dist2(points[i]!, points[j]!) < t2) edges.push({ a: i, b: j });
  }
  return chineseWhispers(points.length, edges, { rng: mulberry32(seed), iterations: 100, order: 'dlib' }).labels;
}
