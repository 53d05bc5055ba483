/**
 * systemd notifications (sd_notify) without native dependencies.
 *
 * NOTIFY_SOCKET is a unix *datagram* socket, and Node has no unix datagram support
 * (`node:dgram` is UDP only; `node:net` is stream only and cannot connect to a SOCK_DGRAM
 * socket). So each message is sent by `systemd-notify` (package `systemd`), run as a child.
 * systemd 246+ waits by default until the manager has processed the message (BARRIER=1), so
 * PID 1 can still attribute it to our unit's cgroup; the unit needs `NotifyAccess=all` because
 * the sender is a child, not the main PID. Messages are sent one at a time, in order.
 * Without NOTIFY_SOCKET (not started by systemd, or Type= is not notify) every call is a no-op.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../log/logger.js';

export interface Notifier {
  /** READY=1: start-up finished (Type=notify). */
  ready(): void;
  /** WATCHDOG=1: still alive; call every watchdogIntervalMs(). */
  watchdog(): void;
  /** STOPPING=1: shutdown began. */
  stopping(): void;
  /** STATUS=...: one line shown by `systemctl status`. */
  status(text: string): void;
  /** Half of WATCHDOG_USEC in ms when systemd's watchdog is on for this process, else undefined. */
  watchdogIntervalMs(): number | undefined;
  /** Resolves when every message sent so far has been handed over (or failed). */
  flush(): Promise<void>;
}

export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  /** The helper that sends one datagram (default `systemd-notify`, found on PATH). */
  command?: string;
  /** Longest wait for one message (the helper's own barrier wait is 5 s). */
  timeoutMs?: number;
}

type Log = Pick<Logger, 'debug' | 'warn'>;

const MAX_PENDING = 8;

/** Watchdog ping period: half of WATCHDOG_USEC, only when WATCHDOG_PID is absent or ours. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  const forPid = env['WATCHDOG_PID'];
  if (forPid !== undefined && forPid !== '' && Number(forPid) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/** One STATUS= line: no newlines (they would end the assignment), at most 512 characters. */
export function statusLine(text: string): string {
  return `STATUS=${text.replace(/[\r\n]+/g, ' ').slice(0, 512)}`;
}

export function createNotifier(log: Log, options: NotifierOptions = {}): Notifier {
  const env = options.env ?? process.env;
  const socket = env['NOTIFY_SOCKET'];
  const command = options.command ?? 'systemd-notify';
  const timeout = options.timeoutMs ?? 10_000;
  let queue: Promise<void> = Promise.resolve();
  let disabled = !socket;
  let warned = false;
  let pending = 0;

  const send = (assignment: string): void => {
    if (disabled) return;
    // A stuck helper must not pile up children: beyond a few waiting, drop (the next ping follows).
    if (pending >= MAX_PENDING) {
      log.warn({ message: assignment.split('=')[0] }, 'systemd notification dropped: earlier ones are still pending');
      return;
    }
    pending++;
    queue = queue.then(
      () =>
        new Promise<void>((resolve) => {
          execFile(command, [assignment], { env: { ...env, NOTIFY_SOCKET: socket }, timeout, windowsHide: true }, (err, _out, stderr) => {
            if (err) {
              const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
              if (missing) disabled = true; // no helper: stop trying (and spawning) for the rest of the run
              if (!warned || !missing) {
                log.warn(
                  { err: missing ? undefined : err.message, stderr: String(stderr).trim() || undefined, message: assignment.split('=')[0] },
                  missing
                    ? `${command} not found: systemd notifications are off (install the systemd package, or use Type=simple in the unit)`
                    : 'systemd notification failed',
                );
                warned = true;
              }
            } else {
              log.debug({ message: assignment.split('=')[0] }, 'systemd notified');
            }
            pending--;
            resolve();
          });
        }),
    );
  };

  return {
    ready: () => send('READY=1'),
    watchdog: () => send('WATCHDOG=1'),
    stopping: () => send('STOPPING=1'),
    status: (text: string) => send(statusLine(text)),
    watchdogIntervalMs: () => (socket ? watchdogInterval(env) : undefined),
    flush: () => queue,
  };
}
