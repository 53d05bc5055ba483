/**
 * Shared pieces of the read/maintenance commands: the `--config` option, exit-code help,
 * argument parsing (ids, counts, times), and output formatting (tables, JSON, CSV, times).
 * Everything here except `printJson`/`printText` is pure.
 */
import type { Command } from 'commander';
import { parseDuration } from '../config/duration.js';
import { FaceidxError } from '../errors.js';
import { writePrivateFile } from '../runtime/private-files.js';
import { csvField } from '../report/csv.js';

export const DEFAULT_CONFIG = '/etc/faceidx/config.yaml';

export interface ConfigOption {
  config?: string;
}

/** Adds `-c, --config <file>` (default $FACEIDX_CONFIG, else /etc/faceidx/config.yaml). */
export function addConfigOption(cmd: Command): Command {
  return cmd.option('-c, --config <file>', `config file (default: $FACEIDX_CONFIG, else ${DEFAULT_CONFIG})`);
}

/** The config file a command uses: --config, then $FACEIDX_CONFIG, then the default. */
export function configPath(opts: ConfigOption, env: NodeJS.ProcessEnv = process.env): string {
  return opts.config ?? (env['FACEIDX_CONFIG'] || DEFAULT_CONFIG);
}

const EXIT_LINES: Record<number, string> = {
  0: 'success',
  2: 'usage error (bad option or value)',
  3: 'not found (unknown person, or no database at storage.dir)',
  70: 'internal error',
  73: 'the output file cannot be written',
  75: 'database locked by another process, try again',
  76: 'the running daemon could not read the request (CLI and daemon of different versions)',
  78: 'invalid configuration (file:line: key: message)',
};

/** "Exit codes:" help text listing the given codes (plus 0, 2, 70). */
export function exitCodesHelp(codes: readonly number[]): string {
  const all = [...new Set([0, 2, ...codes, 70])].sort((a, b) => a - b);
  return `\nExit codes:\n${all.map((c) => `  ${String(c).padEnd(3)} ${EXIT_LINES[c] ?? ''}`).join('\n')}`;
}

export function usage(message: string, fix?: string): FaceidxError {
  return new FaceidxError('FACEIDX_USAGE', message, fix);
}

/** A whole number >= min from an option value (commander argParser). */
export function parseIntOption(name: string, min = 1): (value: string) => number {
  return (value: string) => {
    if (!/^\s*\d+\s*$/.test(value) || Number(value) < min) throw usage(`${name} must be a whole number >= ${min}, not "${value}"`);
    return Number(value);
  };
}

export function parsePersonId(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw usage(`"${value}" is not a person id`, 'give the number shown by faceidx people');
  }
  return Number(value);
}

/** A duration option ("5m", "2h", "7d", or seconds) in ms. */
export function parseDurationOption(name: string): (value: string) => number {
  return (value: string) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw usage(`${name} "${value}" is not a duration`, 'use e.g. 30s, 5m, 2h, 7d');
    return ms;
  };
}

/** `--since`: an ISO 8601 time, or a duration ago ("2h", "30m", "7d"). Returns ms since the epoch. */
export function parseSince(value: string, now = Date.now()): number {
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const t = Date.parse(value.trim());
    if (Number.isFinite(t)) return t;
  }
  throw usage(`--since "${value}" is neither a time nor a duration`, 'use an ISO time like 2024-05-01T08:00:00Z or a duration ago like 30m, 2h, 7d');
}

/** ISO 8601 (UTC, milliseconds) for JSON/CSV; null stays null. */
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** Compact UTC time for tables: "2024-05-01 08:00:00Z"; "-" when unknown. */
export function tableTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** Short human duration for tables: "45s", "12m", "3h05m", "2d04h". */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export interface TableOptions {
  /** Indexes of columns aligned right (numbers). */
  right?: readonly number[];
}

/** A plain-text table: a header row, then rows; columns padded, two spaces apart, no trailing blanks. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string {
  const right = new Set(options.right ?? []);
  const clean = (c: string) => terminalSafe(c.replace(/[\r\n\t]+/g, ' '));
  const all = [headers, ...rows].map((r) => headers.map((_, i) => clean(r[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  return all
    .map((r) =>
      r
        .map((c, i) => {
          const pad = ' '.repeat(widths[i]! - [...c].length);
          return right.has(i) ? pad + c : c + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

export { csvField };

export function csvLine(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

type Sink = (text: string) => void;
const processStdout: Sink = (text) => void process.stdout.write(text);
let stdoutSink: Sink = processStdout;

/**
 * Sends the commands' stdout to `sink` until the returned function is called (tests run the
 * CLI in-process; patching process.stdout would also swallow the test runner's own reports).
 */
export function redirectStdout(sink: Sink): () => void {
  stdoutSink = sink;
  return () => {
    stdoutSink = processStdout;
  };
}

/** Command output (tables, JSON, CSV) on stdout. */
export function writeStdout(text: string): void {
  stdoutSink(text);
}

/**
 * Characters a terminal acts on instead of showing (C0 controls but tab and newline, DEL, C1,
 * and the bidirectional overrides that reorder what is shown): a label such as `\e]0;X\a`
 * would retitle the terminal, move the cursor or hide text.
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text as shown on a terminal: without TERMINAL_UNSAFE characters. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, '');
}

/** JSON.stringify escapes C0 controls; the other TERMINAL_UNSAFE characters are written as \u escapes too (the same JSON value). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function printJson(value: unknown): void {
  writeStdout(`${jsonText(value)}\n`);
}

export function printText(text: string): void {
  const safe = terminalSafe(text);
  writeStdout(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** One note on stderr (hints that must not pollute --json or table output). */
export function printNote(text: string): void {
  process.stderr.write(`${terminalSafe(text)}\n`);
}

/** Writes an output file (mode 0600: it holds faces, also when it existed before); on failure prints why and returns false (exit 73). */
export async function writeOutput(file: string, data: string | Buffer): Promise<boolean> {
  try {
    await writePrivateFile(file, data);
    return true;
  } catch (err) {
    process.stderr.write(`faceidx: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (fix: choose a writable path)\n`);
    return false;
  }
}
