/** `faceidx config check <file>`: validates a config; exit 0, or 78 with file:line problems. */
import type { Command } from 'commander';
import { ConfigError, formatProblem, loadConfig } from '../config/load.js';
import { ExitCode } from '../errors.js';

export function registerConfigCommands(program: Command, setExit: (code: number) => void): void {
  const config = program.command('config').description('Work with configuration files.');
  config
    .command('check')
    .description('Validate a config file: exit 0 if valid, else 78 and one line per problem (file:line: key: message).')
    .argument('<file>', 'YAML config file')
    .option('--json', 'print the validated config with defaults filled in, as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      try {
        const cfg = loadConfig(file);
        if (opts.json) process.stdout.write(`${JSON.stringify(cfg, null, 2)}\n`);
        else process.stdout.write(`${file}: ok (${cfg.cameras.length} camera${cfg.cameras.length === 1 ? '' : 's'})\n`);
        setExit(ExitCode.OK);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
        setExit(ExitCode.CONFIG);
      }
    });
}
