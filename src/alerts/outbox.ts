/**
 * The deliverer of one channel: reads due deliveries from the alerts table (the outbox), sends
 * them one by one, records each outcome there. It runs on timers, never on the frame path, so a
 * dead receiver costs the pipeline nothing. After a failure the channel backs off as a whole
 * (initial, 2x, 4x... up to retryMax, reset by a success) instead of trying every pending alert
 * against a receiver that is down; each delivery also keeps its own attempts and retry time. What is pending after a restart is picked up by the
 * first pass.
 *
 * Contract: `wake()` after inserting an alert; `stop()` waits for the pass in flight.
 */
import type { Logger } from '../log/logger.js';
import type { AlertChannel, AlertsRepository, DueDelivery } from '../store/alerts.js';
import { backoffDelay } from '../feed/backoff.js';
import { nextAttemptAt, type RetryPolicy } from './message.js';
import { redactText } from '../redact.js';

export interface ChannelWorkerOptions {
  channel: AlertChannel;
  alerts: AlertsRepository;
  send: (d: DueDelivery) => Promise<void>;
  retry: RetryPolicy;
  log: Logger;
  now?: () => number;
}

/** Longest sleep between passes while something is pending (a clock jump cannot stall delivery longer). */
const MAX_SLEEP_MS = 60_000;

export class ChannelWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Failures in a row on this channel, and no pass before `blockedUntil` (the channel's backoff). */
  private streak = 0;
  private blockedUntil = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ChannelWorkerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get channel(): AlertChannel {
    return this.opts.channel;
  }

  /** Starts delivering: a first pass now (alerts left pending by an earlier run go out first). */
  start(): void {
    this.wake();
  }

  /** Runs a pass as soon as possible (a new alert is waiting). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((err: Error) =>
          this.opts.log.error({ channel: this.channel, err: err.message }, 'alert delivery pass failed; retrying later'),
        );
      } while (this.again && !this.stopped);
      await this.schedule().catch(() => undefined);
    })().finally(() => {
      this.running = undefined;
      if (this.again) this.wake();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const { alerts, channel, log } = this.opts;
    for (;;) {
      if (this.stopped || this.now() < this.blockedUntil) return;
      const due = await alerts.due(channel, this.now());
      if (due.length === 0) return;
      for (const d of due) {
        if (this.stopped) return;
        try {
          await this.opts.send(d);
          await alerts.markSent(d.id, channel, this.now());
          if (this.streak > 0) log.info({ channel, alert: d.id }, 'alert delivery works again');
          this.streak = 0;
        } catch (err) {
          const attempts = d.attempts + 1;
          const message = redactText((err as Error).message); // stored and logged: never a URL's secret
          const next = nextAttemptAt(attempts, this.now(), this.opts.retry);
          await alerts.markFailed(d.id, channel, message, next);
          const fields = { channel, alert: d.id, attempts, err: message, retryAt: next === null ? null : new Date(next).toISOString() };
          if (next === null) log.error(fields, 'alert delivery given up after the configured retries (see faceidx alerts)');
          else if (this.streak === 0) log.warn(fields, 'alert delivery failed; it stays in the store and is retried');
          this.streak++;
          this.blockedUntil = this.now() + backoffDelay(this.streak - 1, this.opts.retry);
          return; // the channel backs off as a whole
        }
      }
    }
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const due = await this.opts.alerts.nextDue(this.channel);
    if (due === undefined || this.stopped) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, due - this.now(), this.blockedUntil - this.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
}
