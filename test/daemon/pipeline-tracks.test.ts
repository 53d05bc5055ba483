/**
 * Tracks in the pipeline, with the real store, index and clusterer (only the face engine is a
 * stub that returns the faces a test asks for): faces stored with their tracks, the stored-frame
 * hook, size changes, stills, feed ends and a crash in the middle of a track.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.js';
import type { AnalyzedFace } from '../../src/daemon/pipeline.js';
import { stubPipeline } from './stub-pipeline.js';

const centre = (k: number) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(k * 97 + i * 1.3) * 0.12);

/** Person k at x, 60 px high (clusterable). */
const person = (k: number, x: number, h = 60): AnalyzedFace => ({
  box: { x, y: 10, width: h * 0.8, height: h },
  score: 0.95,
  descriptor: centre(k),
  quality: { height: h, eyeDistance: 20, sharpness: 100, yaw: 0 },
});

const setup = (dir?: string) => stubPipeline(dir === undefined ? {} : { dir });

async function tracksOf(store: Store) {
  return store.db.all<{ id: number; faces: number; closed_at: number | null; end_reason: string | null; n: number; frames: number }>(
    `SELECT t.id, t.faces, t.closed_at, t.end_reason, count(f.id) AS n, count(DISTINCT f.ts) AS frames
     FROM tracks t LEFT JOIN faces f ON f.track_id = t.id GROUP BY t.id ORDER BY t.id`,
  );
}

test('every stored face carries its track: two people walking side by side make two tracks, reported to the hook', async () => {
  const { store, pipeline, run, seen } = await setup();
  for (let i = 0; i < 5; i++) await run(i, [person(1, 10 + i * 8), person(2, 200 - i * 8)]);
  const [orphans] = await store.db.all<{ n: number }>('SELECT count(*) AS n FROM faces WHERE track_id IS NULL');
  assert.equal(orphans!.n, 0);
  const tracks = await tracksOf(store);
  assert.deepEqual(tracks.map((t) => [t.faces, t.n, t.frames, t.closed_at]), [[5, 5, 5, null], [5, 5, 5, null]]);
  assert.equal(seen.length, 5);
  assert.deepEqual(seen[0]!.tracks.map((t) => t.isNew), [true, true]);
  assert.deepEqual(seen[4]!.faces.map((f) => f.trackId), tracks.map((t) => t.id));
  assert.ok(seen[4]!.tracks.every((t) => !t.isNew && t.faces === 5 && t.identifiable));
  const ended = await pipeline.endTracks('cam');
  assert.deepEqual(ended.map((t) => t.endReason), ['feed-end', 'feed-end']);
  assert.deepEqual((await tracksOf(store)).map((t) => t.end_reason), ['feed-end', 'feed-end']);
  assert.equal(seen.length, 6, 'the hook hears about ended tracks too');
  await store.close();
});

test('a frame size change mid-stream ends the camera\'s tracks instead of linking across it', async () => {
  const { store, run } = await setup();
  await run(0, [person(1, 10)]);
  await run(1, [person(1, 12)]);
  await run(2, [person(1, 12)], { width: 640 });
  const tracks = await tracksOf(store);
  assert.deepEqual(tracks.map((t) => [t.n, t.end_reason]), [[2, 'resize'], [1, null]]);
  await store.close();
});

test('a folder of stills: one closed track per face, even for the same person in the same place', async () => {
  const { store, run } = await setup();
  await run(0, [person(1, 10), person(2, 200)], { source: '/photos/a.jpg' });
  await run(1, [person(1, 10)], { source: '/photos/b.jpg' });
  const tracks = await tracksOf(store);
  assert.deepEqual(tracks.map((t) => [t.n, t.end_reason]), [[1, 'still'], [1, 'still'], [1, 'still']]);
  await store.close();
});

test('a track cut by a crash is closed at the next start and not continued or duplicated', async () => {
  const first = await setup();
  for (let i = 0; i < 3; i++) await first.run(i, [person(1, 10 + i * 4)]);
  await first.store.close(); // the process dies here: no endTracks, the track stays open in the file
  const again = await setup(first.dir);
  assert.equal(await again.store.tracks.closeOpen('interrupted'), 1); // what the daemon does at start
  for (let i = 3; i < 6; i++) await again.run(i, [person(1, 10 + i * 4)]);
  const tracks = await tracksOf(again.store);
  assert.deepEqual(tracks.map((t) => [t.n, t.faces, t.end_reason]), [[3, 3, 'interrupted'], [3, 3, null]]);
  const [dups] = await again.store.db.all<{ n: number }>('SELECT count(*) AS n FROM (SELECT track_id, ts FROM faces GROUP BY 1, 2 HAVING count(*) > 1)');
  assert.equal(dups!.n, 0, 'no track holds two faces of one frame');
  await again.store.close();
});
