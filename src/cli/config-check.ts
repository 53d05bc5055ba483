/** `faceidx config check <file>`: validates a config; exit 0, or 78 with file:line problems. */
import type { Command } from 'commander';
import { ConfigError, formatProblem, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode } from '../errors.js';
import { redactUrl } from '../redact.js';
import { writeStdout } from './output.js';

/** The config as --json shows it: camera and broker URLs redacted, the webhook's secret and header values masked. */
export function shownConfig(cfg: Readonly<Config>): unknown {
  const hook = cfg.alerts.webhook;
  return {
    ...cfg,
    cameras: cfg.cameras.map((c) => ({ ...c, url: redactUrl(c.url) })),
    alerts: {
      ...cfg.alerts,
      webhook: {
        ...hook,
        ...(hook.url ? { url: redactUrl(hook.url) } : {}),
        ...(hook.secret ? { secret: '***' } : {}),
        headers: Object.fromEntries(Object.keys(hook.headers).map((k) => [k, '***'])),
      },
      mqtt: { ...cfg.alerts.mqtt, ...(cfg.alerts.mqtt.url ? { url: redactUrl(cfg.alerts.mqtt.url) } : {}) },
    },
  };
}

export function registerConfigCommands(program: Command, setExit: (code: number) => void): void {
  const config = program.command('config').description('Work with configuration files.');
  config
    .command('check')
    .description('Validate a config file: exit 0 if valid, else 78 and one line per problem (file:line: key: message).')
    .argument('<file>', 'YAML config file')
    .option('--json', 'print the validated config with defaults filled in, as JSON (passwords, secrets and header values as ***)')
    .action((file: string, opts: { json?: boolean }) => {
      try {
        const cfg = loadConfig(file);
        if (opts.json) writeStdout(`${JSON.stringify(shownConfig(cfg), null, 2)}\n`);
        else writeStdout(`${file}: ok (${cfg.cameras.length} camera${cfg.cameras.length === 1 ? '' : 's'})\n`);
        setExit(ExitCode.OK);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
        setExit(ExitCode.CONFIG);
      }
    });
}
