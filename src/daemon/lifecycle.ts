/**
 * Signals: the first SIGTERM/SIGINT asks for a graceful stop and arms a deadline; a second one,
 * or the deadline passing, exits at once. SIGHUP asks for a config reload.
 */
import type { Logger } from '../log/logger.js';

export interface SignalHandlers {
  /** Start a graceful stop (called once). */
  onStop(signal: NodeJS.Signals): void;
  onReload(): void;
  deadlineMs: number;
  log: Logger;
  /** process.exit by default (tests inject a spy). */
  exit?: (code: number) => void;
  /** What a graceful stop still waits for, logged when the deadline passes. */
  pending?: () => string;
  /** The process to listen on (default process). */
  target?: NodeJS.EventEmitter;
}

export const EXIT_FORCED = 130;
export const EXIT_DEADLINE = 1;

export function installSignals(h: SignalHandlers): { dispose(): void } {
  const target = h.target ?? process;
  const exit = h.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const onStopSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      h.log.warn({ signal }, 'second signal: exiting now without finishing');
      exit(EXIT_FORCED);
      return;
    }
    stopping = true;
    h.log.info({ signal, deadlineMs: h.deadlineMs }, 'stopping: finishing the frames in flight (send the signal again to exit at once)');
    timer = setTimeout(() => {
      h.log.error({ deadlineMs: h.deadlineMs, ...(h.pending ? { waitingFor: h.pending() } : {}) }, 'shutdown deadline passed: exiting without finishing');
      exit(EXIT_DEADLINE);
    }, h.deadlineMs);
    timer.unref();
    h.onStop(signal);
  };
  const onHup = () => {
    if (!stopping) h.onReload();
  };
  target.on('SIGTERM', onStopSignal);
  target.on('SIGINT', onStopSignal);
  target.on('SIGHUP', onHup);
  return {
    dispose() {
      if (timer) clearTimeout(timer);
      target.off('SIGTERM', onStopSignal);
      target.off('SIGINT', onStopSignal);
      target.off('SIGHUP', onHup);
    },
  };
}
