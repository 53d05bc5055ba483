/**
 * A pool of face-inference worker threads (worker.ts) with the FaceEngine's `analyze` interface.
 * Each frame goes to the worker with the fewest frames in flight; a worker that dies is replaced
 * and its frames fail with a clear error (the feed goes on with the next frame).
 */
import type { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { FaceidxError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Alignment, DetectorConfig, FaceResult } from './engine.js';
import { ensureModels } from './models.js';
import { readYunet } from './vendored.js';
import type { RgbImage } from './preprocess.js';
import { pickDetectOptions, type DetectOptions } from './detectors.js';
import { startModuleWorker } from '../threads.js';

export interface WorkerInit {
  index: number;
  detector: DetectorConfig;
  inference: Config['inference'];
  modelDir: string;
  logLevel: string;
}

export type WorkerRequest =
  | ({ type: 'analyze'; id: number; width: number; height: number; data: Uint8Array; align?: string } & DetectOptions)
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; provider: string }
  | { type: 'failed'; code?: string | undefined; message: string }
  | { type: 'result'; id: number; faces: FaceResult[] }
  | { type: 'error'; id: number; code?: string | undefined; message: string };

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve: (f: FaceResult[]) => void; reject: (e: Error) => void }>;
}

export interface PoolOptions {
  detector: DetectorConfig;
  inference: Config['inference'];
  modelDir: string;
  log: Logger;
  workers: number;
}

function startWorker(init: WorkerInit): Worker {
  return startModuleWorker(import.meta.url, 'worker', init);
}

const toError = (r: { code?: string | undefined; message: string }) =>
  r.code ? new FaceidxError(r.code as ErrorCode, r.message) : new Error(r.message);

export class FacePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  private constructor(private readonly opts: PoolOptions, readonly provider: string) {}

  static async create(opts: PoolOptions): Promise<FacePool> {
    if (opts.detector.model === 'yunet') readYunet(); // a damaged vendored model fails here, once, not in every worker
    const files = ensureModels(opts.modelDir); // built once here, so workers never race on the cache
    if (files.built) opts.log.info({ dir: files.dir }, 'built the ONNX face models from @vladmandic/face-api weights');
    const first = await FacePool.spawn(opts, 0);
    const pool = new FacePool(opts, first.provider);
    pool.adopt(first.slot, 0);
    for (let i = 1; i < opts.workers; i++) pool.adopt((await FacePool.spawn(opts, i)).slot, i);
    opts.log.info({ workers: opts.workers, provider: pool.provider, threadsEach: opts.inference.threads || 'auto' }, 'face inference in worker threads');
    return pool;
  }

  private static spawn(opts: PoolOptions, index: number): Promise<{ slot: Slot; provider: string }> {
    const init: WorkerInit = { index, detector: opts.detector, inference: opts.inference, modelDir: opts.modelDir, logLevel: opts.log.level };
    const worker = startWorker(init);
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new FaceidxError('FACEIDX_MODEL', `face worker ${index} exited (${code}) while starting`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (msg: WorkerReply) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        if (msg.type === 'ready') resolve({ slot: { worker, inFlight: new Map() }, provider: msg.provider });
        else {
          void worker.terminate();
          reject(msg.type === 'failed' ? toError(msg) : new Error(`face worker ${index}: unexpected ${msg.type}`));
        }
      });
    });
  }

  private adopt(slot: Slot, index: number): void {
    this.slots[index] = slot;
    slot.worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'result' && msg.type !== 'error') return;
      const pending = slot.inFlight.get(msg.id);
      slot.inFlight.delete(msg.id);
      if (msg.type === 'result') pending?.resolve(msg.faces);
      else pending?.reject(toError(msg));
    });
    slot.worker.on('exit', (code) => {
      for (const p of slot.inFlight.values()) p.reject(new FaceidxError('FACEIDX_MODEL', `face worker ${index} exited (${code})`, 'see the log; the worker is restarted'));
      slot.inFlight.clear();
      if (this.closing) return;
      this.opts.log.error({ worker: index, code }, 'face worker exited; starting a new one');
      FacePool.spawn(this.opts, index).then(
        (s) => this.adopt(s.slot, index),
        (err: Error) => this.opts.log.error({ worker: index, err: err.message }, 'could not restart a face worker'),
      );
    });
  }

  /** detect -> landmarks -> align -> embed in the least busy worker. */
  analyze(img: RgbImage, opts: { align?: Alignment } & DetectOptions = {}): Promise<FaceResult[]> {
    const slot = this.slots.filter((s) => s.worker.threadId >= 0).sort((a, b) => a.inFlight.size - b.inFlight.size)[0];
    if (!slot || this.closing) return Promise.reject(new FaceidxError('FACEIDX_MODEL', 'no face worker is running', 'see the log for why the workers stopped'));
    const id = this.nextId++;
    // A frame in shared memory (ffmpeg's frames, frame-assembler.ts) is read by the worker where
    // it is; any other frame is copied into a buffer the worker owns (it may share a pooled one).
    const shared = img.data.buffer instanceof SharedArrayBuffer;
    const data = shared ? img.data : new Uint8Array(img.data);
    return new Promise((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      const req: WorkerRequest = { type: 'analyze', id, width: img.width, height: img.height, data, ...(opts.align ? { align: opts.align } : {}), ...pickDetectOptions(opts) };
      slot.worker.postMessage(req, shared ? [] : [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.worker.threadId < 0) return; // already exited (a crash whose replacement never started)
        const exited = new Promise((r) => s.worker.once('exit', r));
        s.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
        const timer = setTimeout(() => void s.worker.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
