/** Worker-thread entry (see threaded.ts): runs one Chinese-whispers job and posts the labels back. */
import { parentPort, workerData } from 'node:worker_threads';
import { chineseWhispersAdj, mulberry32 } from './chinese-whispers.js';
import type { CwJob } from './threaded.js';

const job = workerData as CwJob;
const { adj, seed, ...rest } = job;
const result = chineseWhispersAdj(adj, { ...rest, rng: mulberry32(seed) });
parentPort!.postMessage(result, [result.labels.buffer as ArrayBuffer]);
