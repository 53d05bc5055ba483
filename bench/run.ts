/**
 * `npm run bench [-- name...]`: runs every bench/*.bench.ts (or those whose names contain one
 * of the arguments) one after another in its own process, so one stage's memory and threads
 * do not disturb the next, then prints how long each took. Each bench prints its own table.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort((a, b) => order(a) - order(b) || a.localeCompare(b));

/** Stage order of the data flow: feed, faces, cluster, then end to end. */
function order(file: string): number {
  const stages = ['feed', 'faces', 'cluster', 'e2e'];
  const i = stages.findIndex((s) => file.startsWith(s));
  return i < 0 ? stages.length : i;
}

const summary: Array<{ bench: string; seconds: string; exit: string }> = [];
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  summary.push({ bench: file, seconds: ((Date.now() - started) / 1000).toFixed(1), exit: String(r.status ?? r.signal) });
}
process.stdout.write('\n=== summary ===\n');
console.table(summary);
process.exitCode = summary.every((s) => s.exit === '0') ? 0 : 1;
