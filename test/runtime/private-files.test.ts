/**
 * Every file faceidx writes that holds faces or face vectors is 0600 in 0700 folders: the index
 * (also over an older 0644 file), an export onto an existing file, and a store first created by
 * `faceidx watch add` (whose model cache lands inside storage.dir).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FaceIndex, INDEX_FILE } from '../../src/index/hnsw.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildFixture, cli } from '../cli/fixture.js';
import { SAMPLES } from '../e2e/harness.js';

const root = mkdtempSync(join(tmpdir(), 'faceidx-private-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

/** Every folder under `dir` (and itself) and every file, with its mode. */
function modes(dir: string): Array<[string, number]> {
  const out: Array<[string, number]> = [[dir, mode(dir)]];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) out.push([join(e.parentPath, e.name), mode(join(e.parentPath, e.name))]);
  return out;
}

test('the saved index is 0600 in a 0700 folder, also where an older faceidx left a 0644 file', async () => {
  const dir = join(root, 'index', 'state');
  const index = await FaceIndex.open({ dir, M: 16, efConstruction: 100, ef: 64, log: silentLogger });
  await index.add([{ id: 1, descriptor: new Float32Array(128).fill(0.05) }]);
  await index.save();
  assert.equal(mode(join(root, 'index')), 0o700);
  chmodSync(join(dir, INDEX_FILE), 0o644);
  writeFileSync(join(dir, `${INDEX_FILE}.tmp`), 'left by a crash');
  chmodSync(join(dir, `${INDEX_FILE}.tmp`), 0o644);
  await index.save();
  for (const [path, m] of modes(dir)) assert.equal(m, path === dir ? 0o700 : 0o600, path);
});

test('export --out onto an existing file makes it 0600, as --help says', async () => {
  const f = await buildFixture();
  const out = join(root, 'people.csv');
  writeFileSync(out, 'old');
  chmodSync(out, 0o644);
  const r = await cli('export', '--format', 'csv', '--out', out, '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(mode(out), 0o600);
});

test('a store first created by watch add (models built inside storage.dir) is 0700 folders and 0600 files', { timeout: 60_000 }, async () => {
  const storage = join(root, 'watch', 'state');
  const config = join(root, 'watch.yaml');
  writeFileSync(config, `storage:\n  dir: ${JSON.stringify(storage)}\ncameras: []\ninference:\n  device: cpu\n  workers: 0\n`);
  const photo = join(root, 'woman.jpg');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', '1', '-i', join(SAMPLES, 'head-pose-face-detection-female.mp4'), '-frames:v', '1', photo]);
  const r = await cli('watch', 'add', 'woman', photo, '--config', config);
  assert.equal(r.code, 0, r.stderr);
  for (const [path, m] of modes(storage)) {
    if (statSync(path).isDirectory()) assert.equal(m, 0o700, path);
    else if (/faceidx\.db/.test(path)) assert.equal(m, 0o600, path);
  }
});
