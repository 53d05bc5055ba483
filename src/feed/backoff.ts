/** Restart schedule: initial, 2x, 4x... capped; reset once a run delivers frames again. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

/** Delay before restart number `attempt` (0-based): min(maxMs, initialMs * 2^attempt). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const delay = opts.initialMs * 2 ** Math.max(0, Math.min(attempt, 30));
  return Math.min(opts.maxMs, Math.max(0, delay));
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** The next delay; each call moves one step along the schedule. */
  next(): number {
    return backoffDelay(this.attempt++, this.opts);
  }

  reset(): void {
    this.attempt = 0;
  }
}
