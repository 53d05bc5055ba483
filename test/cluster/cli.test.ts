import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { redirectStdout } from '../../src/cli/output.js';
import { openStore } from '../../src/store/index.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { storeFaces, tempStore } from './helpers.js';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const restore = redirectStdout((t) => (out += t));
  try {
    return { code: await runCli(['node', 'faceidx', ...args]), out };
  } finally {
    restore();
  }
}

test('recluster, label, merge and not from the command line', async () => {
  const { dir, store, cleanup } = await tempStore();
  try {
    const set = syntheticFaces({ people: 3, perPerson: 6, seed: 5, shuffle: false });
    const ids = await storeFaces(store, set.descriptors);
    await store.close();
    const config = join(dir, 'faceidx.yaml');
    await writeFile(config, `storage:\n  dir: ${dir}\n`);

    const r = await cli(['recluster', '--config', config, '--json']);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out).people, 3);
    const s = await openStore(dir, { readonly: true });
    const a = await s.people.assignments();
    await s.close();
    const [p0, p1, p2] = [a.get(ids[0]!)!, a.get(ids[6]!)!, a.get(ids[12]!)!];
    assert.equal(new Set([p0, p1, p2]).size, 3);

    assert.equal((await cli(['label', String(p1), 'Grace', '--config', config])).code, 0);
    assert.equal((await cli(['merge', String(p0), String(p1), '--config', config])).code, 0);
    assert.equal((await cli(['not', String(ids[13]), String(p2), '--config', config])).code, 0);
    assert.equal((await cli(['merge', String(p0), '999999', '--config', config])).code, 3);
    assert.equal((await cli(['recluster', '--config', config])).code, 0);

    const t = await openStore(dir, { readonly: true });
    const b = await t.people.assignments();
    assert.equal(b.get(ids[7]!), p0);
    assert.equal(await t.people.label(p0), 'Grace');
    assert.notEqual(b.get(ids[13]!), p2);
    assert.equal(b.get(ids[12]!), p2);
    await t.close();
  } finally {
    await cleanup();
  }
});
