/** Shared test helpers: a real store in a temp folder, filled with synthetic faces. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';

export async function tempStore(): Promise<{ dir: string; store: Store; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'faceidx-cluster-'));
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'cam1', url: '/dev/null', kind: 'file' });
  return {
    dir,
    store,
    cleanup: async () => {
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let nextTs = 1_700_000_000_000;

/** Stores faces (clusterable unless told) and returns their ids. */
export async function storeFaces(store: Store, descriptors: Float32Array[], clusterable = true): Promise<number[]> {
  const ids = await store.faces.insertMany(
    descriptors.map((d) => ({
      cameraId: 'cam1',
      ts: nextTs++,
      framePos: 0,
      faceIdx: 0,
      box: { x: 0, y: 0, width: 80, height: 80 },
      score: 0.9,
      quality: 80,
      clusterable,
      descriptor: d,
    })),
  );
  return ids.map((id) => id!);
}
