/**
 * A face-inference worker thread: owns one FaceEngine (its own onnxruntime sessions) and
 * answers `analyze` requests from the pool (pool.ts). onnxruntime-node runs a session
 * synchronously on the calling thread, so engines in workers keep the daemon's main thread free
 * and let several cores work on frames of several cameras at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FaceidxError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import type { LevelWithSilent } from 'pino';
import { FaceEngine, type Alignment } from './engine.js';
import { pickDetectOptions } from './detectors.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (msg: WorkerReply) => port.postMessage(msg);
const errorOf = (err: unknown) => ({ code: err instanceof FaceidxError ? err.code : undefined, message: (err as Error)?.message ?? String(err) });

try {
  const log = createLogger({ level: init.logLevel as LevelWithSilent, pretty: false }).child({ module: 'faces', worker: init.index });
  const engine = await FaceEngine.create({ detector: init.detector, inference: init.inference, modelDir: init.modelDir, log });
  port.on('message', (req: WorkerRequest) => {
    if (req.type === 'close') {
      void engine.close().finally(() => port.close());
      return;
    }
    const img = { width: req.width, height: req.height, data: req.data };
    engine.analyze(img, { ...(req.align ? { align: req.align as Alignment } : {}), ...pickDetectOptions(req) }).then(
      (faces) => reply({ type: 'result', id: req.id, faces }),
      (err: unknown) => reply({ type: 'error', id: req.id, ...errorOf(err) }),
    );
  });
  reply({ type: 'ready', provider: engine.provider });
} catch (err) {
  reply({ type: 'failed', ...errorOf(err) });
}
