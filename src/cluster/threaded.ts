/**
 * Chinese whispers over a whole graph in a worker thread, so a full re-cluster of a large graph
 * does not freeze the daemon's event loop (feeds, status, signals, the systemd watchdog). Same
 * input and seed give the same labels as the in-thread function: the worker builds the seeded
 * generator itself.
 */
import { chineseWhispersAdj, mulberry32, type Adjacency, type CwOptions, type CwResult } from './chinese-whispers.js';
import { startModuleWorker } from '../threads.js';

export interface CwJob extends Omit<CwOptions, 'rng'> {
  adj: Adjacency;
  seed: number;
}

/** Runs `job` in this thread (the worker runs exactly this). */
export function runCwJob(job: CwJob): CwResult {
  const { adj, seed, ...rest } = job;
  return chineseWhispersAdj(adj, { ...rest, rng: mulberry32(seed) });
}

/** Runs `job` in a worker thread when the graph has at least `threadAbove` nodes, else here. */
export function chineseWhispersJob(job: CwJob, threadAbove: number): Promise<CwResult> {
  const { adj } = job;
  if (adj.n < threadAbove) return Promise.resolve(runCwJob(job));
  // Plain typed arrays only: a class instance (the live graph) does not cross threads as itself.
  const plain: Adjacency = { n: adj.n, offsets: adj.offsets, degree: adj.degree, targets: adj.targets, weights: adj.weights };
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, 'cw-worker', { ...job, adj: plain });
    let done = false;
    worker.once('message', (r: CwResult) => {
      done = true;
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the Chinese-whispers worker thread exited with code ${code} before answering`));
    });
  });
}
