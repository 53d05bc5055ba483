/**
 * `.ci/run` and the README cannot drift: CI reads the apt packages and the quick start from
 * README.md (`.ci/run --dry-run` prints that plan), and every Debian package a test asks for
 * through requireCommand(...) must be on one of the README's apt lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

function plan(): { packages: string[]; commands: string[] } {
  const r = spawnSync('bash', [join(ROOT, '.ci', 'run'), '--dry-run'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const packages = /^apt packages: (.*)$/m.exec(r.stdout)?.[1]?.split(' ') ?? [];
  const commands = [...r.stdout.matchAll(/^command: (.*)$/gm)].map((m) => m[1]!);
  return { packages, commands };
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('.ci/run installs the README\'s apt packages and runs its quick start as written', () => {
  const { packages, commands } = plan();
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const aptLines = [...readme.matchAll(/^sudo apt-get install -y (.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  assert.deepEqual(packages, aptLines);
  assert.ok(packages.includes('ffmpeg'), packages.join(' '));
  assert.deepEqual(commands.slice(0, 2), ['npm ci && npm run demo', 'npm test']);
});

test('every package a test requires is a README prerequisite', () => {
  const { packages } = plan();
  const wanted = new Map<string, string>();
  for (const file of testFiles(join(ROOT, 'test'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/requireCommand\(\s*'([^']+)',\s*'([^']+)'/g)) wanted.set(m[2]!, `${file.slice(ROOT.length + 1)} (${m[1]})`);
  }
  assert.ok(wanted.has('rtsp-server-perl') && wanted.has('systemd'), [...wanted.keys()].join(' '));
  for (const [pkg, where] of wanted) assert.ok(packages.includes(pkg), `${where} needs the Debian package ${pkg}, which README.md's prerequisites do not list`);
});
