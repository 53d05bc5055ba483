/** A damaged vendored YuNet stops the CLI and the daemon with exit 69, naming the file and the fix. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { vendoredDir, YUNET_FILE } from '../../src/faces/vendored.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const require = createRequire(import.meta.url);
const PHOTO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
let dir: string;
let damaged: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'faceidx-vendored-cli-'));
  mkdirSync(join(dir, 'models', 'yunet'), { recursive: true });
  const bytes = readFileSync(join(vendoredDir(), YUNET_FILE));
  writeFileSync(join(dir, 'models', YUNET_FILE), bytes.subarray(0, bytes.length - 4096)); // a truncated copy
  damaged = join(dir, 'models', YUNET_FILE);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const faceidx = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FACEIDX_VENDORED_DIR: join(dir, 'models'), NOTIFY_SOCKET: '' } });

test('faceidx embed with a damaged vendored model: exit 69, the message names the file and the fix', () => {
  const r = faceidx(['embed', '--json', '--detector', 'yunet', '--model-dir', join(tmpdir(), 'faceidx-e2e-models'), PHOTO]);
  assert.equal(r.status, 69, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(r.stderr.includes(damaged), r.stderr);
  assert.match(r.stderr, /damaged.*git checkout -- models\//s);
});

test('faceidx embed --detector ssd does not need the YuNet file', () => {
  const r = faceidx(['embed', '--json', '--detector', 'ssd', '--model-dir', join(tmpdir(), 'faceidx-e2e-models'), PHOTO]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Array<{ faces: unknown[] }>)[0]!.faces.length, 3);
});

test('faceidx run (the daemon) with a damaged vendored model: exit 69 before any camera starts', () => {
  const storage = join(dir, 'state');
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `storage:\n  dir: ${storage}\ncameras:\n  - id: desk\n    url: ${JSON.stringify(join(ROOT, 'samples', 'head-pose-face-detection-female.mp4'))}\ndetector:\n  model: yunet\ninference:\n  device: cpu\n  modelDir: ${join(tmpdir(), 'faceidx-e2e-models')}\n`);
  const r = faceidx(['run', '--config', file, '--until-done']);
  assert.equal(r.status, 69, `${r.stdout}\n${r.stderr}`);
  assert.ok(`${r.stdout}${r.stderr}`.includes(damaged), `${r.stdout}\n${r.stderr}`);
});
