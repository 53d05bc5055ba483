/** What one decoding run (ffmpeg for videos and streams, sharp for image folders) reports to its feed. */
import type { Failure } from './classify.js';
import type { Frame } from './types.js';

/** A frame as a source delivers it; the feed adds its camera id and sequence number. */
export type SourceFrame = Omit<Frame, 'cameraId' | 'seq'>;

export type RunEnd =
  /** A file or folder was read to its end; a looping file says how long the pass lasted (the next pass's times follow on). */
  | { kind: 'done'; passSec?: number }
  /** The input failed, or a live stream ended. */
  | { kind: 'failed'; failure: Failure }
  /** stop() or the stall watchdog killed it. */
  | { kind: 'killed' };

export interface RunSink {
  frame(frame: SourceFrame): void;
}

export interface SourceRun {
  /** Stop reading (files and folders only: back-pressure without loss). */
  pause(): void;
  resume(): void;
  /** Ends the run; resolves once its process (if any) has exited. */
  stop(): Promise<void>;
  readonly ended: Promise<RunEnd>;
}
