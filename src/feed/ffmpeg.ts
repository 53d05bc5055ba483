/**
 * The only module that knows fluent-ffmpeg: starts one ffmpeg decoding run with its raw
 * output on a pipe, reports stderr lines, and tells a kill (ours) apart from a failure.
 */
import ffmpeg from 'fluent-ffmpeg';
import type { PassThrough } from 'node:stream';
import type { DecodeSpec } from './ffmpeg-args.js';

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
  const cmd = ffmpeg(spec.input, { stdoutLines: 0 }).inputOptions(spec.inputOptions).outputOptions(spec.outputOptions);
  cmd.on('stderr', (line: string) => {
    if (!line.includes('Parsed_showinfo')) {
      stderr.push(line);
      if (stderr.length > STDERR_KEEP) stderr.shift();
    }
    handlers.onStderr(line);
  });
  const exited = new Promise<DecoderExit>((resolve) => {
    let procDone: { ok: boolean; exit: string } | undefined;
    let pipeDone = false;
    const finish = (): void => {
      if (procDone && (pipeDone || killed)) resolve({ ...procDone, killed, stderr: [...stderr] });
    };
    cmd.on('end', () => {
      procDone = { ok: true, exit: 'exited with code 0' };
      finish();
    });
    cmd.on('error', (err: Error) => {
      const m = /ffmpeg (exited with code -?\d+|was killed with signal \w+)/.exec(err.message);
      procDone = { ok: false, exit: m?.[1] ?? `failed: ${err.message.split('\n')[0] ?? ''}` };
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
  });
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
    },
    exited,
  };
}
