/** Entry of the `faceidx` command: builds the CLI and runs it. */
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv);
