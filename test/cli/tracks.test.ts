/** The read side of face tracks: `person` lists a person's tracks per camera, `people --json` counts them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type NewFace, type Store, type TrackWrite } from '../../src/store/index.js';
import { cli, writeConfig } from './fixture.js';

const T = Date.UTC(2026, 10, 20, 14, 0, 0);

function face(cameraId: string, ts: number, trackKey: number, clusterable = true): NewFace & { trackKey: number } {
  return {
    cameraId, ts, framePos: (ts - T) / 1000, faceIdx: 0, box: { x: 10, y: 20, width: 50, height: 60 },
    score: 0.9, quality: 60, clusterable, descriptor: new Float32Array(128).fill(0.1), trackKey,
  };
}

const track = (key: number, cameraId: string, first: number, last: number, id?: number): TrackWrite => ({
  key, id, cameraId, firstTs: first, lastTs: last, firstPos: (first - T) / 1000, lastPos: (last - T) / 1000, quality: 0.7,
  aggregate: undefined, identifiable: true,
});

/** Stores one track of `n` faces, a second apart, and returns the face ids. */
async function storeTrack(store: Store, key: number, cameraId: string, start: number, n: number): Promise<number[]> {
  const ids: number[] = [];
  let id: number | undefined;
  for (let i = 0; i < n; i++) {
    const ts = start + i * 1000;
    const r = await store.tracks.storeFrame({ faces: [face(cameraId, ts, key)], tracks: [track(key, cameraId, start, ts, id)] });
    id = r.trackIds.get(key);
    ids.push(r.faceIds[0]!);
  }
  return ids;
}

test('person shows the person\'s tracks per camera (from, to, faces); people --json counts them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'faceidx-cli-tracks-'));
  const dir = join(root, 'state');
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'hall', url: 'hall.mp4', kind: 'file' });
  await store.cameras.upsert({ id: 'door', url: 'door.mp4', kind: 'file' });
  const faces = [...(await storeTrack(store, 1, 'hall', T, 3)), ...(await storeTrack(store, 2, 'door', T + 60_000, 2)), ...(await storeTrack(store, 3, 'hall', T + 600_000, 1))];
  const person = await store.people.create();
  await store.people.assign(faces.map((f) => [f, person] as const));
  await store.close();
  const config = writeConfig(root, dir);

  const people = JSON.parse((await cli('people', '--json', '--all', '--config', config)).stdout) as Array<{ id: number; tracks: number }>;
  assert.deepEqual(people.map((p) => [p.id, p.tracks]), [[person, 3]]);

  const r = await cli('person', String(person), '--json', '--config', config);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout) as { tracks: Array<{ camera: string; from: string; to: string; faces: number; identifiable: boolean }> };
  const iso = (t: number) => new Date(t).toISOString();
  assert.deepEqual(p.tracks.map(({ camera, from, to, faces: n }) => ({ camera, from, to, faces: n })), [
    { camera: 'door', from: iso(T + 60_000), to: iso(T + 61_000), faces: 2 },
    { camera: 'hall', from: iso(T), to: iso(T + 2000), faces: 3 },
    { camera: 'hall', from: iso(T + 600_000), to: iso(T + 600_000), faces: 1 },
  ]);
  const text = await cli('person', String(person), '--config', config);
  assert.match(text.stdout, /3 tracks:/);
  assert.match(text.stdout, /\d+\s+door\s+2026-11-20 14:01:00Z\s+2026-11-20 14:01:01Z\s+2\n/);
});
