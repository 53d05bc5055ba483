/**
 * The `faceidx` command line. Each command lives in its own file and exports a `register`
 * function; this file only lists them. Commands return an exit code (see src/errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { exitCodeFor, ExitCode, isFaceidxError } from '../errors.js';
import { registerConfigCommands } from './config-check.js';
import { terminalSafe } from './output.js';
import { registerEmbedCommand } from './embed.js';
import { registerVerifyCommand } from './verify.js';
import { registerModelsCommands } from './models.js';
import { registerRun } from './run.js';
import { registerStatusCommand } from './status.js';
import { registerSearchCommand } from './search.js';
import { registerPeopleCommand } from './people.js';
import { registerPersonCommand } from './person.js';
import { registerMontageCommand } from './montage.js';
import { registerExportCommand } from './export.js';
import { registerForgetCommands } from './forget.js';
import { registerProbeCommand } from './probe.js';
import { registerEvalCommand } from './eval.js';
import { registerClusterCommands } from './recluster.js';
import { registerWatchCommands } from './watch.js';
import { registerAlertsCommand } from './alerts.js';
import { registerReportCommand } from './report.js';
import { registerStoreCommands } from './store.js';
import { registerUserCommands } from './user.js';
import { registerAuditCommands } from './audit.js';
import { registerTogetherCommands } from './together.js';
import { registerServeCommand } from './serve.js';

export type Register = (program: Command, setExit: (code: number) => void) => void;

const COMMANDS: Register[] = [
  registerConfigCommands,
  registerRun,
  registerStatusCommand,
  registerSearchCommand,
  registerPeopleCommand,
  registerPersonCommand,
  registerMontageCommand,
  registerExportCommand,
  registerForgetCommands,
  registerEmbedCommand,
  registerVerifyCommand,
  registerModelsCommands,
  registerProbeCommand,
  registerEvalCommand,
  registerClusterCommands,
  registerWatchCommands,
  registerAlertsCommand,
  registerReportCommand,
  registerStoreCommands,
  registerTogetherCommands,
  registerAuditCommands,
  registerUserCommands,
  registerServeCommand,
];

export const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   failure (see the message)
  2   usage error (unknown option or command)
  3   not found (person, face, database)
  69  unavailable (feed, model or inference provider cannot be used; shared store unreachable)
  70  internal error
  75  database locked by another process, try again
  77  the shared PostgreSQL store refused this role the action
  78  invalid configuration (file:line: key: message)`;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('faceidx')
    .description('Watches camera feeds and lists the unique people seen across them.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of COMMANDS) register(program, setExit);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors print one clear line to stderr. */
export async function runCli(argv: string[]): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.OK;
      return ExitCode.USAGE;
    }
    if (isFaceidxError(err)) {
      process.stderr.write(`faceidx: ${terminalSafe(err.message)}\n`);
    } else {
      process.stderr.write(`faceidx: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    return exitCodeFor(err);
  }
}
