/** The real `faceidx` process: exit codes and messages as a shell sees them. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixture, writeConfig, type Fixture } from './fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function faceidx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let f: Fixture;
before(async () => {
  f = await buildFixture();
});

test('faceidx person <unknown> exits 3 with the hint; FACEIDX_CONFIG picks the config', async () => {
  const r = await faceidx(['person', '4242'], { FACEIDX_CONFIG: f.config });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr.trim(), 'faceidx: no person 4242: list people with faceidx people --all');
  assert.equal(r.stdout, '');
});

test('faceidx people with an invalid config exits 78 with file:line; with no database exits 3', async () => {
  const bad = writeConfig(f.root, f.dir, 'clustering:\n  minFaces: zero\n', 'bad-e2e.yaml');
  const missing = writeConfig(f.root, join(f.root, 'absent'), '', 'absent.yaml');
  const [r1, r2] = await Promise.all([faceidx(['people', '--config', bad]), faceidx(['people', '--json', '--config', missing])]);
  assert.equal(r1.code, 78, r1.stderr);
  assert.match(r1.stderr, /bad-e2e\.yaml:\d+: clustering\.minFaces: /);
  assert.equal(r2.code, 3, r2.stderr);
  assert.match(r2.stderr, /no faceidx database at .*absent.*faceidx run --config/);
  assert.equal(r2.stdout, '');
});
