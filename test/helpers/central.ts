/** Configs of a clusterer of a shared PostgreSQL store, for tests that spawn the real daemon. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatusJson } from '../e2e/harness.js';

/** A clusterer's config on `url` (its own storage.dir), with quick polls and checkpoints for tests. */
export function clustererConfig(url: string, name = 'clusterer', extra = ''): { file: string; storage: string } {
  const dir = mkdtempSync(join(tmpdir(), `faceidx-${name}-`));
  const storage = join(dir, 'state');
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `storage:\n  dir: ${storage}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(url)}\n` +
      `cluster:\n  poll: 300ms\n  standbyRetry: 200ms\n  checkpointEvery: 500ms\nclustering:\n  minFaces: 2\nlogging:\n  level: info\n${extra}`,
  );
  return { file, storage };
}

/** The clusterer's role as its status.json says (leader, standby, connecting), if any. */
export function clusterRole(storage: string): string | undefined {
  return (readStatusJson(storage) as { cluster?: { role: string } } | undefined)?.cluster?.role;
}
