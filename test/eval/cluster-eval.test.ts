import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateClustering, evalTable, METHODS } from '../../src/eval/cluster-eval.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('every method runs on synthetic people; faceidx separates them; gated faces stay singletons', async () => {
  const set = syntheticFaces({ people: 12, perPerson: [1, 12], seed: 9 });
  const clusterable = set.descriptors.map((_, i) => i !== 0);
  const r = await evaluateClustering({ descriptors: set.descriptors, truth: set.truth, clusterable }, { threshold: 0.5, k: 20, seed: 1, weight: 'linear' }, { M: 16, efConstruction: 100, ef: 64 });
  assert.deepEqual(Object.keys(r).sort(), [...METHODS].sort());
  assert.ok(r.incremental.bcubed.f1 > 0.97, `incremental ${r.incremental.bcubed.f1}`);
  assert.ok(r.batch.bcubed.f1 > 0.97);
  assert.ok(r.dlib.bcubed.precision > 0.99);
  assert.equal(evalTable(r).length, 5);
});

test('the eval descriptor cache is keyed by crop and the detector settings that change faces, not by skipStatic', async () => {
  const { cacheFile } = await import('../../src/cli/eval.js');
  const { configSchema } = await import('../../src/config/schema.js');
  const cache = await mkdtemp(join(tmpdir(), 'faceidx-evalcache-'));
  try {
    const detector = configSchema.parse({ storage: { dir: cache }, cameras: [] }).detector;
    const key = (d: typeof detector, align = 'dlib68') => cacheFile({ cache }, '/data/set', align, d);
    assert.equal(key({ ...detector, skipStatic: 0 }), key(detector), 'a daemon-only setting keeps the cache');
    assert.notEqual(key({ ...detector, padFactors: [2] }), key(detector), 'another detector cascade finds other faces');
    assert.notEqual(key({ ...detector, minScore: 0.6 }), key(detector));
    assert.notEqual(key(detector, 'faceapi'), key(detector), 'another crop gives other descriptors');
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
