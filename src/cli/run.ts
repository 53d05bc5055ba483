/** `faceidx run --config <file> [--until-done]`: the daemon. */
import type { Command } from 'commander';
import { ConfigError, formatProblem } from '../config/load.js';
import { exitCodeFor, ExitCode, isFaceidxError } from '../errors.js';
import { SHIP_AT_BATCH_END_MS, UNTIL_DONE_RETRIES } from '../runtime/limits.js';

export function registerRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('Run the daemon: read the camera feeds, find faces and keep the list of people up to date.')
    .option('-c, --config <file>', 'config file', process.env.FACEIDX_CONFIG ?? '/etc/faceidx/config.yaml')
    .option('--until-done', 'exit once every file/folder feed has ended and its faces are stored (a batch run)')
    .option('--log-level <level>', 'trace | debug | info | warn | error (overrides logging.level)')
    .addHelpText(
      'after',
      `
Signals: SIGTERM/SIGINT stop gracefully (within shutdown.deadline); a second signal exits at once;
SIGHUP reloads the config (cameras added, removed or changed start, stop or restart).
With --until-done, a file or folder that still cannot be opened after ${UNTIL_DONE_RETRIES} retries (about 7 s)
ends with an error instead of being retried forever; the run ends once every file/folder feed has ended,
prints one line per camera that ended with an error, and exits 66. Live streams (RTSP/HTTP) are not
waited for. Without --until-done (a service) failing feeds are retried for as long as it runs.
Exit codes: 0 stopped cleanly (with --until-done: every file/folder read to its end), 1 shutdown
deadline passed, 66 --until-done: some camera ended with an error (missing, unreadable or truncated
input; everything the other cameras gave is stored), 69 models or inference provider unavailable,
75 another daemon uses the same storage.dir (or, with --until-done at an edge site, the central
store stayed unreachable for ${SHIP_AT_BATCH_END_MS / 60_000} minutes after the last frame: the faces not shipped stay in the
local store and ship at the next start), 78 invalid config or a newer database, 130 forced.`,
    )
    .action(async (opts: { config: string; untilDone?: boolean; logLevel?: string }) => {
      const { runDaemon } = await import('../runtime/launch.js');
      try {
        setExit(
          await runDaemon({
            configPath: opts.config,
            untilDone: opts.untilDone ?? false,
            ...(opts.logLevel ? { logLevel: opts.logLevel as 'info' } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof ConfigError) {
          for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
          setExit(ExitCode.CONFIG);
          return;
        }
        if (!isFaceidxError(err)) throw err;
        process.stderr.write(`faceidx: ${err.message}\n`);
        setExit(exitCodeFor(err));
      }
    });
}
