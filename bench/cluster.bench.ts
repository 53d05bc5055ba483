/**
 * Index + cluster bench on synthetic face-like data (128-d Gaussian people, faces in random
 * order): per size, insert + cluster update per face, kNN latency (k=10) and recall@10 against
 * brute force, full re-cluster time, resident memory, BCubed F1 of incremental vs the truth;
 * baselines in the same run: brute-force kNN latency and dlib-style all-pairs edges + CW (10k only).
 * Default sizes 10k and 100k; FACEIDX_BENCH_1M=1 adds 1M (about 20-40 min on one core);
 * FACEIDX_BENCH_SIZES=20000,50000 overrides.
 */
import { FaceGraph } from '../src/people/face-graph.js';
import { silentLogger } from '../src/log/logger.js';
import { configSchema } from '../src/config/schema.js';
import { mulberry32 } from '../src/cluster/chinese-whispers.js';
import { DIM, gaussian } from '../src/eval/synthetic.js';
import { bcubed } from '../src/eval/metrics.js';
import { dlibRecipe } from '../src/eval/baselines.js';

const cfg = configSchema.parse({ storage: { dir: '.' } });

/** CPU time of this process (user + system), ms: robust to other work on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A deterministic stream of faces: each picks a random person (n/10 people) and adds noise. */
function* faceStream(n: number, seed: number): Generator<{ d: Float32Array; person: number }> {
  const rng = mulberry32(seed);
  const people = Math.max(1, Math.round(n / 10));
  const centres = new Float32Array(people * DIM);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(rng) / Math.sqrt(2 * DIM);
  const sn = 0.35 / Math.sqrt(2 * DIM);
  for (let f = 0; f < n; f++) {
    const person = Math.floor(rng() * people);
    const d = new Float32Array(DIM);
    for (let i = 0; i < DIM; i++) d[i] = centres[person * DIM + i]! + gaussian(rng) * sn;
    yield { d, person };
  }
}

/** Brute-force top-10 for a few queries over the regenerated stream (one pass). */
function bruteTop10(n: number, seed: number, queries: Float32Array[]): { ids: number[][]; msPerQuery: number } {
  const best = queries.map(() => [] as Array<[number, number]>);
  const t0 = cpuMs();
  let id = 0;
  for (const { d } of faceStream(n, seed)) {
    queries.forEach((q, qi) => {
      let s = 0;
      for (let j = 0; j < DIM; j++) {
        const t = d[j]! - q[j]!;
        s += t * t;
      }
      const b = best[qi]!;
      if (b.length < 10 || s < b[b.length - 1]![0]) {
        b.push([s, id]);
        b.sort((x, y) => x[0] - y[0]);
        if (b.length > 10) b.pop();
      }
    });
    id++;
  }
  return { ids: best.map((b) => b.map((x) => x[1])), msPerQuery: (cpuMs() - t0) / queries.length };
}

async function benchSize(n: number): Promise<Record<string, string>> {
  const seed = 7;
  // As the daemon runs it (the people core's index + engine): average-linkage merging on, vectors read back from the index.
  const graph = await FaceGraph.inMemory({ ...cfg.clustering, seed: 1 }, cfg.index, { capacity: n, log: silentLogger });
  const { index, engine } = graph;
  const truth = new Int32Array(n);
  const queries: Float32Array[] = [];
  let id = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  for (const { d, person } of faceStream(n, seed)) {
    await graph.insert([{ id, descriptor: d }]);
    truth[id] = person;
    if (id % Math.max(1, Math.floor(n / 200)) === 0 && queries.length < 200) queries.push(d);
    id++;
    if (id % 100_000 === 0) process.stderr.write(`  ${n}: ${id} faces in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const insertMs = (cpuMs() - c0) / n;
  const insertWallMs = (performance.now() - t0) / n;
  const rss = process.memoryUsage().rss;
  const inc = Int32Array.from({ length: n }, (_, i) => engine.labelOf(i)!);
  const c1 = cpuMs();
  engine.batchClusters();
  const reclusterS = (cpuMs() - c1) / 1000;
  const c2 = cpuMs();
  const hnswHits = queries.map((q) => index.knn(q, 10).map((h) => h.id));
  for (let rep = 0; rep < 4; rep++) for (const q of queries) index.knn(q, 10);
  const knnMs = (cpuMs() - c2) / (queries.length * 5);
  const brute = bruteTop10(n, seed, queries.slice(0, n >= 1_000_000 ? 50 : 200));
  let found = 0;
  brute.ids.forEach((want, qi) => (found += want.filter((w) => hnswHits[qi]!.includes(w)).length));
  const recall = found / (brute.ids.length * 10);
  let dlib = 'skipped (n^2)';
  if (n <= 10_000) {
    const all = [...faceStream(n, seed)].map((x) => x.d);
    const t3 = cpuMs();
    const l = dlibRecipe(all, 0.5, 1);
    dlib = `${((cpuMs() - t3) / 1000).toFixed(1)} s, B3 F1 ${bcubed(l, truth).f1.toFixed(3)}`;
  }
  return {
    faces: String(n),
    'insert+update ms/face': insertMs.toFixed(2),
    '(wall)': insertWallMs.toFixed(2),
    'kNN ms/query': knnMs.toFixed(3),
    'recall@10': recall.toFixed(4),
    'recluster s': reclusterS.toFixed(1),
    'RSS MB': (rss / 2 ** 20).toFixed(0),
    'graph MB': (engine.graph.bytes / 2 ** 20).toFixed(0),
    'B3 F1 inc': bcubed(inc, truth).f1.toFixed(4),
    'brute kNN ms/query': brute.msPerQuery.toFixed(1),
    'dlib all-pairs + CW': dlib,
  };
}

const sizes = process.env.FACEIDX_BENCH_SIZES
  ? process.env.FACEIDX_BENCH_SIZES.split(',').map(Number)
  : [10_000, 100_000, ...(process.env.FACEIDX_BENCH_1M === '1' ? [1_000_000] : [])];
const rows: Array<Record<string, string>> = [];
for (const n of sizes) {
  rows.push(await benchSize(n));
  if (global.gc) global.gc();
}
process.stdout.write(`times are CPU ms/s of this process (hnswlib and CW are single-threaded), "(wall)" is wall-clock\n`);
process.stdout.write(`cluster bench (index M=${cfg.index.M}, efConstruction=${cfg.index.efConstruction}, ef=${cfg.index.ef}; k=${cfg.clustering.k}, threshold=${cfg.clustering.threshold}, joinDistance=${cfg.clustering.joinDistance}, weight=${cfg.clustering.weight}, mergeAverage=${cfg.clustering.mergeAverage}, mergeGap=${cfg.clustering.mergeGap}; one process, sizes run in sequence so RSS accumulates)\n`);
console.table(rows);
process.stdout.write('goals at 1M: < 5 ms insert+update per face, < 1 ms per query, re-cluster < 120 s, RSS < 1.5 GB\n');
