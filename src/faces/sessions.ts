/** onnxruntime-node sessions and the choice of execution provider (I/O). */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Config } from '../config/schema.js';
import { FaceidxError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { ModelFiles } from './models.js';

export type Provider = 'cpu' | 'cuda' | 'webgpu';

export interface Sessions {
  provider: Provider;
  detector: ort.InferenceSession;
  landmarks: ort.InferenceSession;
  recognition: ort.InferenceSession;
  /** YuNet, opened when the detector model is yunet (vendored bytes, sha256-checked). */
  yunet?: ort.InferenceSession;
}

const CUDA_FIX =
  'install the CUDA 12 provider on a machine with internet (`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js`, with CUDA 12 and cuDNN runtime libraries), or set inference.device to auto, cpu or webgpu';
const WEBGPU_FIX = 'install the Vulkan loader and the GPU driver\'s Vulkan ICD (Debian: libvulkan1), or set inference.device to auto or cpu';

function options(provider: Provider, threads: number): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // Worker threads sleep instead of spin-waiting between runs: the daemon shares the CPU with
    // ffmpeg and its other sessions, where spinning burns cycles the others need.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  if (threads > 0) {
    opts.intraOpNumThreads = threads;
    opts.interOpNumThreads = 1;
  }
  return opts;
}

async function createAll(files: ModelFiles, provider: Provider, threads: number, yunet?: Uint8Array): Promise<Sessions> {
  const make = (path: string) => ort.InferenceSession.create(readFileSync(path), options(provider, threads));
  // The smallest model first: a provider that cannot start fails once, not three times.
  const landmarks = await make(files.landmarks);
  const [detector, recognition, yunetSession] = await Promise.all([
    make(files.detector),
    make(files.recognition),
    yunet ? ort.InferenceSession.create(yunet, options(provider, threads)) : undefined,
  ]);
  return { provider, detector, landmarks, recognition, ...(yunetSession ? { yunet: yunetSession } : {}) };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300);
}

/**
 * Opens the three sessions on the configured device. `auto` tries CUDA, then CPU, and logs
 * one line naming the provider in use and why; `cuda` and `webgpu` fail with FACEIDX_PROVIDER
 * when the provider cannot start.
 */
export async function openSessions(files: ModelFiles, inference: Config['inference'], log: Logger, yunet?: Uint8Array): Promise<Sessions> {
  const { device, threads } = inference;
  if (device === 'cpu') {
    const s = await createAll(files, 'cpu', threads, yunet);
    log.info({ provider: 'cpu', threads }, 'face inference on CPU (inference.device: cpu)');
    return s;
  }
  if (device === 'cuda' || device === 'webgpu') {
    try {
      const s = await createAll(files, device, threads, yunet);
      log.info({ provider: device }, `face inference on ${device === 'cuda' ? 'CUDA' : 'WebGPU'} (inference.device: ${device})`);
      return s;
    } catch (err) {
      throw new FaceidxError('FACEIDX_PROVIDER', `the ${device} execution provider cannot start: ${firstLine(err)}`, device === 'cuda' ? CUDA_FIX : WEBGPU_FIX, { cause: err });
    }
  }
  // The CUDA probe fails loudly on machines without it; the log line below says so once.
  ort.env.logLevel = 'fatal';
  try {
    const s = await createAll(files, 'cuda', threads, yunet);
    log.info({ provider: 'cuda' }, 'face inference on CUDA (inference.device: auto, CUDA provider available)');
    return s;
  } catch (err) {
    const s = await createAll(files, 'cpu', threads, yunet);
    log.info({ provider: 'cpu', threads, reason: firstLine(err) }, 'face inference on CPU (inference.device: auto; CUDA provider unavailable)');
    return s;
  }
}

export async function run(session: ort.InferenceSession, input: Float32Array, dims: number[]): Promise<Record<string, Float32Array>> {
  const feeds = { input: new ort.Tensor('float32', input, dims) };
  const res = await session.run(feeds);
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(res)) out[k] = v.data as Float32Array;
  return out;
}
