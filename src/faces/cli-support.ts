/**
 * What the faces CLI commands (embed, verify, models) share: engine settings from an optional
 * config file plus command-line overrides, and the model folder for commands without a config.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { configSchema, type Config } from '../config/schema.js';
import { FaceidxError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { FaceEngine, type Alignment } from './engine.js';
import { defaultModelDir } from './models.js';

export interface EngineCliOptions {
  config?: string;
  align?: string;
  device?: string;
  threads?: number;
  minScore?: number;
  padPass?: string;
  detector?: string;
  modelDir?: string;
  verbose?: boolean;
}

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'take detector/inference settings (and the model folder) from this config file')
    .option('--align <mode>', 'descriptor crop: dlib68 (dlib chip from 68 landmarks, default), similarity (dlib 5-point chip), five (chip from the eye centres, nose tip and mouth corners: yunet\'s own five points, no landmark net) or faceapi (face-api\'s crop, with the SSD detector)')
    .option('--device <device>', 'auto | cpu | cuda | webgpu')
    .option('--threads <n>', 'onnxruntime threads (0: its choice)', (v) => Number(v))
    .option('--detector <model>', 'face detector: yunet (default) or ssd (face-api\'s SSD cascade)')
    .option('--min-score <s>', 'detection score threshold, 0-1 (default 0.7 for yunet, 0.5 for ssd)', (v) => Number(v))
    .option('--pad-pass <mode>', 'second detector pass on a padded canvas: off | empty | always')
    .option('--model-dir <dir>', 'ONNX model cache (default: inference.modelDir, <storage.dir>/models, else ~/.cache/faceidx/models)')
    .option('-v, --verbose', 'log the provider choice and model builds to stderr');
}

function bad(message: string): FaceidxError {
  return new FaceidxError('FACEIDX_USAGE', message, 'see --help');
}

/** Detector/inference settings: config file (or defaults), then command-line overrides, validated by the schema. */
export function engineSettings(opts: EngineCliOptions): { config: Config; modelDir: string; align: Alignment } {
  const base: Config = opts.config ? (loadConfig(opts.config) as Config) : configSchema.parse({ storage: { dir: '.' } });
  const detectorOverrides = { ...(opts.minScore !== undefined ? { minScore: opts.minScore } : {}), ...(opts.padPass ? { padPass: opts.padPass } : {}), ...(opts.detector ? { model: opts.detector } : {}) };
  const inferenceOverrides = { ...(opts.device ? { device: opts.device } : {}), ...(opts.threads !== undefined ? { threads: opts.threads } : {}), ...(opts.align ? { align: opts.align } : {}) };
  // Validate only the command-line values: `base` is already parsed (durations in ms), parsing it
  // again would read batchWait: 50 (ms) as 50 seconds.
  const parsed = configSchema.safeParse({ storage: { dir: '.' }, detector: detectorOverrides, inference: inferenceOverrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw bad(`invalid option: ${issue.path.join('.')}: ${issue.message}`);
  }
  const checked = parsed.data;
  const pick = <T extends object>(from: T, keys: object): Partial<T> => Object.fromEntries(Object.keys(keys).map((k) => [k, from[k as keyof T]])) as Partial<T>;
  const config: Config = {
    ...base,
    detector: { ...base.detector, ...pick(checked.detector, detectorOverrides) },
    inference: { ...base.inference, ...pick(checked.inference, inferenceOverrides) },
  };
  const modelDir = opts.modelDir ?? config.inference.modelDir ?? (opts.config ? `${config.storage.dir}/models` : defaultModelDir());
  return { config, modelDir, align: config.inference.align };
}

/** Logs to stderr (the commands' stdout carries their output): info with --verbose, else warnings. */
export function cliLogger(verbose?: boolean): Logger {
  return createLogger({ level: verbose ? 'info' : 'warn', pretty: false, destination: process.stderr });
}

export async function createCliEngine(opts: EngineCliOptions, overrides: Partial<Config['inference']> = {}): Promise<{ engine: FaceEngine; align: Alignment; config: Config }> {
  const { config, modelDir, align } = engineSettings(opts);
  const engine = await FaceEngine.create({ detector: config.detector, inference: { ...config.inference, ...overrides }, modelDir, log: cliLogger(opts.verbose) });
  return { engine, align, config };
}
