/**
 * The only module that knows fluent-ffmpeg: starts one ffmpeg decoding run with its raw
 * output on a pipe, reports stderr lines, and tells a kill (ours) apart from a failure; also
 * probes a file (ffprobe) and extracts single frames (evidence export).
 */
import ffmpeg from 'fluent-ffmpeg';
import { Readable, type PassThrough } from 'node:stream';
import type { DecodeSpec } from './ffmpeg-args.js';
import type { ProbeData } from './footage-time.js';

export interface DecoderExit {
  /** ffmpeg exited with status 0 after writing everything. */
  ok: boolean;
  /** We killed it (stop, stall): not a failure of the input. */
  killed: boolean;
  /** "exited with code 1", "was killed with signal SIGKILL"... */
  exit: string;
  /** The last stderr lines (showinfo lines left out), oldest first. */
  stderr: string[];
}

export interface DecoderHandlers {
  onData(chunk: Buffer): void;
  onStderr(line: string): void;
}

export interface Decoder {
  /** Stop reading the pipe (ffmpeg then blocks on its next write). */
  pause(): void;
  resume(): void;
  /** SIGKILL; `exited` resolves once the process is gone. */
  kill(): void;
  readonly exited: Promise<DecoderExit>;
}

const STDERR_KEEP = 60;

export function startDecoder(spec: DecodeSpec, handlers: DecoderHandlers): Decoder {
  const stderr: string[] = [];
  let killed = false;
  let out: PassThrough | undefined;
  let procDone: { ok: boolean; exit: string } | undefined;
  let pipeDone = false;
  let resolveExit!: (exit: DecoderExit) => void;
  const exited = new Promise<DecoderExit>((resolve) => (resolveExit = resolve));
  // Once ffmpeg is gone, the run ends when its output is read to the end, or at once when we
  // killed it: a paused pipe (a full queue) is then never read again.
  const finish = (): void => {
    if (procDone && (pipeDone || killed)) resolveExit({ ...procDone, killed, stderr: [...stderr] });
  };
  // A concat list on stdin keeps a camera's credentials off the command line (ffmpeg-args.ts).
  const input = spec.stdin !== undefined ? Readable.from([spec.stdin]) : spec.input;
  const cmd = ffmpeg(input, { stdoutLines: 0 }).inputOptions(spec.inputOptions).outputOptions(spec.outputOptions);
  cmd.on('stderr', (line: string) => {
    if (!line.includes('Parsed_showinfo')) {
      stderr.push(line);
      if (stderr.length > STDERR_KEEP) stderr.shift();
    }
    handlers.onStderr(line);
  });
  const completed = { ok: true, exit: 'exited with code 0' };
  cmd.on('end', () => {
    procDone = completed;
    finish();
  });
  cmd.on('error', (err: Error) => {
    procDone = completedOutput(err, stderr) ? completed : { ok: false, exit: exitOf(err) };
    finish();
  });
  cmd.on('start', () => {
    if (killed) cmd.kill('SIGKILL');
  });
  out = cmd.pipe() as PassThrough;
  out.on('data', (chunk: Buffer) => handlers.onData(chunk));
  const closePipe = (): void => {
    pipeDone = true;
    finish();
  };
  out.on('end', closePipe);
  out.on('close', closePipe);
  out.on('error', closePipe);
  return {
    pause: () => out?.pause(),
    resume: () => out?.resume(),
    kill: () => {
      killed = true;
      try {
        cmd.kill('SIGKILL');
      } catch {
        // not started yet or already gone: 'error' or 'end' still follows
      }
      finish(); // already exited with output left in a paused pipe: nothing else would end the run
    },
    exited,
  };
}

function exitOf(err: Error): string {
  const m = /ffmpeg (exited with code -?\d+|was killed with signal \w+)/.exec(err.message);
  return m?.[1] ?? `failed: ${err.message.split('\n')[0] ?? ''}`;
}

/**
 * fluent-ffmpeg reports "Output stream closed" when our pipe closes before it saw ffmpeg's exit
 * (a busy machine), and then kills a process that was only exiting. ffmpeg prints its final
 * statistics ("video:...kB ... muxing overhead") only after writing all of its output: with that
 * line, the run completed.
 */
export function completedOutput(err: Error, stderr: readonly string[]): boolean {
  return /^Output stream closed/.test(err.message) && stderr.some((l) => /muxing overhead/.test(l));
}

/** ffprobe's view of a file (format tags and streams); rejects when ffprobe cannot read it. */
export function probeMedia(path: string): Promise<ProbeData> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, (err: Error | null, data: ffmpeg.FfprobeData) => (err ? reject(err) : resolve(data as unknown as ProbeData)));
  });
}

/**
 * One frame of a file at `offsetSec` (input seek: the first frame at or after it), through
 * `filter` (e.g. the daemon's scale), as JPEG bytes (the caller writes them where it owns the file).
 */
export function extractFrame(input: string, offsetSec: number, filter?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const cmd = ffmpeg(input)
      .inputOptions(['-hide_banner', '-nostdin', '-ss', offsetSec.toFixed(6)])
      .outputOptions(['-map', '0:v:0', '-frames:v', '1', ...(filter ? ['-vf', filter] : []), '-q:v', '2', '-c:v', 'mjpeg', '-f', 'image2pipe']);
    cmd.on('error', (err: Error) => reject(err));
    const out = cmd.pipe() as PassThrough;
    out.on('data', (c: Buffer) => chunks.push(c));
    out.on('end', () => (chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`no frame at ${offsetSec.toFixed(3)} s`))));
  });
}
