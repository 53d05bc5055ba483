/**
 * `faceidx probe <url>`: opens one feed as the daemon would and reports its frame size, how
 * long the first frame took and the rate frames arrive at, so a camera URL can be checked
 * before it goes into the config. The URL is printed with its password replaced by ***.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { cameraSchema, type CameraConfig } from '../config/schema.js';
import { ExitCode, FaceidxError } from '../errors.js';
import { CameraFeed, feedKind, redactUrl, type Frame } from '../feed/index.js';
import { silentLogger } from '../log/logger.js';

export interface ProbeResult {
  url: string;
  width: number;
  height: number;
  frames: number;
  firstFrameMs: number;
  fps: number;
}

interface ProbeOptions {
  frames: string;
  fps: string;
  decode: string;
  transport: string;
  maxWidth?: string;
  timeout: string;
  json?: boolean;
}

function probeCamera(url: string, o: ProbeOptions): CameraConfig {
  const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  const parsed = cameraSchema.safeParse({
    id: 'probe',
    url: local ? resolve(url) : url,
    fps: Number(o.fps),
    decode: o.decode,
    rtspTransport: o.transport,
    stallTimeout: Number(o.timeout),
    ...(o.maxWidth !== undefined ? { maxWidth: Number(o.maxWidth) } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FaceidxError('FACEIDX_USAGE', `probe: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid option'}`, 'see faceidx probe --help');
  }
  return parsed.data;
}

/** Reads up to `count` frames; fails on the first feed error (no retries) or after `timeoutMs`. */
export async function probeFeed(camera: CameraConfig, count: number, timeoutMs: number): Promise<ProbeResult> {
  const feed = new CameraFeed(camera, { log: silentLogger, maxQueue: Math.max(2, count), backoff: { initialMs: 3_600_000, maxMs: 3_600_000 } });
  let failed: ((err: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  feed.on('state', (s: ReturnType<CameraFeed['status']>) => {
    if ((s.state === 'error' || s.state === 'backoff') && s.lastError) failed?.(new FaceidxError(s.lastErrorCode ?? 'FACEIDX_FEED_INPUT', s.lastError));
  });
  const timer = setTimeout(() => failed?.(new FaceidxError('FACEIDX_FEED_UNREACHABLE', `no frame from ${redactUrl(camera.url)} within ${timeoutMs / 1000} s`, 'check the URL, or raise --timeout')), timeoutMs);
  const t0 = Date.now();
  const arrivals: number[] = [];
  let first: Frame | undefined;
  try {
    feed.start();
    while (arrivals.length < count) {
      const frame = await Promise.race([feed.next(), failure]);
      if (!frame) break;
      first ??= frame;
      arrivals.push(Date.now());
    }
  } finally {
    clearTimeout(timer);
    failure.catch(() => {});
    await feed.stop();
  }
  if (!first) throw new FaceidxError(feed.status().lastErrorCode ?? 'FACEIDX_FEED_INPUT', feed.status().lastError ?? `no frames from ${redactUrl(camera.url)}`);
  const span = (arrivals.at(-1)! - arrivals[0]!) / 1000;
  return {
    url: redactUrl(camera.url),
    width: first.width,
    height: first.height,
    frames: arrivals.length,
    firstFrameMs: arrivals[0]! - t0,
    fps: arrivals.length > 1 && span > 0 ? Math.round(((arrivals.length - 1) / span) * 100) / 100 : 0,
  };
}

export function registerProbeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('probe')
    .description('Open a camera URL (file, image folder, rtsp://, http(s)://) as the daemon would and report frame size, time to first frame and frame rate.')
    .argument('<url>', 'a video file, a folder of images, rtsp://user:pass@host/path or http(s):// stream')
    .option('--frames <n>', 'frames to read', '5')
    .option('--fps <f>', 'frames per second kept', '1')
    .option('--decode <mode>', 'all | keyframes', 'all')
    .option('--transport <t>', 'RTSP transport: tcp | udp', 'tcp')
    .option('--max-width <px>', 'scale wider frames down')
    .option('--timeout <seconds>', 'give up when no frame came for this long', '20')
    .option('--json', 'print {"url","width","height","frames","firstFrameMs","fps"} as JSON')
    .action(async (url: string, o: ProbeOptions) => {
      const count = Number(o.frames);
      if (!Number.isInteger(count) || count < 1) throw new FaceidxError('FACEIDX_USAGE', `probe: --frames must be a whole number >= 1, got "${o.frames}"`);
      const camera = probeCamera(url, o);
      const result = { ...(await probeFeed(camera, count, camera.stallTimeout)), url: redactUrl(url) };
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${result.url} (${feedKind(camera.url)}): ${result.width}x${result.height}, ${result.frames} frame(s), first after ${result.firstFrameMs} ms, ${result.fps} fps\n`);
      setExit(ExitCode.OK);
    });
}
