/** Worker-thread entry (see threaded.ts): runs one Chinese-whispers job and posts the labels back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runCwJob, type CwJob } from './threaded.js';

const result = runCwJob(workerData as CwJob);
parentPort!.postMessage(result, [result.labels.buffer as ArrayBuffer]);
