/**
 * `npm run demo`: runs the real daemon on samples/ (config/demo.yaml) until every clip has
 * ended, prints `faceidx people`, and writes a montage of each person into .demo/montages/.
 * Starts from an empty store each time so the result does not depend on earlier runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const config = join(root, 'config', 'demo.yaml');
const out = join(root, '.demo');
const montages = join(out, 'montages');

function faceidx(args: string[], capture = false): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), ...args], {
    cwd: root,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`demo: faceidx ${args.join(' ')} exited with ${r.status ?? r.signal}\n`);
    process.exit(r.status ?? 1);
  }
  return r.stdout ?? '';
}

rmSync(join(out, 'state'), { recursive: true, force: true });
rmSync(montages, { recursive: true, force: true });
mkdirSync(montages, { recursive: true });

process.stdout.write('demo: running the daemon on the six sample clips until they end...\n');
const started = Date.now();
faceidx(['run', '--config', config, '--until-done']);
process.stdout.write(`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`);

faceidx(['people', '--config', config]);
const people = JSON.parse(faceidx(['people', '--config', config, '--json'], true)) as Array<{ id: number }>;
for (const p of people) {
  faceidx(['montage', String(p.id), '--config', config, '--out', join(montages, `person-${p.id}.jpg`)], true);
}
process.stdout.write(`\ndemo: ${people.length} montage(s) in ${relative(process.cwd(), montages) || montages}/\n`);
process.stdout.write(`demo: ask more with e.g. npx faceidx person ${people[0]?.id ?? 1} --config ${relative(process.cwd(), config)}\n`);
