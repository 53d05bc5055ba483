/**
 * The one way into the daemon from outside it: `faceidx run` starts the daemon through here, so
 * the CLI imports nothing from src/daemon (the daemon's modules load only when it runs).
 */
import type { DaemonOptions } from '../daemon/daemon.js';

export type { DaemonOptions } from '../daemon/daemon.js';

/** Runs the daemon until it stops; resolves to its exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const daemon = await import('../daemon/daemon.js');
  return daemon.runDaemon(opts);
}
