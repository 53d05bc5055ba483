import { test } from 'node:test';
import assert from 'node:assert/strict';

test('engine settings: command-line overrides apply and durations from the config are not parsed twice', async () => {
  const { engineSettings } = await import('../../src/faces/cli-support.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-settings-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, `storage:\n  dir: ${dir}\ninference:\n  batchWait: 50ms\n  align: faceapi\n`);
  const s = engineSettings({ config: file, minScore: 0.4, threads: 1 });
  assert.equal(s.config.inference.batchWait, 50);
  assert.equal(s.config.inference.threads, 1);
  assert.equal(s.config.detector.minScore, 0.4);
  assert.equal(s.align, 'faceapi');
  assert.throws(() => engineSettings({ config: file, minScore: 3 }), /invalid option: detector\.minScore/);
});
