/**
 * Tracks in the pipeline, with the real store, index and clusterer (only the face engine is a
 * stub that returns the faces a test asks for): faces stored with their tracks, the stored-frame
 * hook, size changes, stills, feed ends and a crash in the middle of a track.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.js';
import type { AnalyzedFace } from '../../src/daemon/pipeline.js';
import { resumePosition } from '../../src/daemon/cameras.js';
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

test('after a crash mid-track the file resumes at the cut track\'s start: the tracker follows it as without the crash (a turned face stays a sighting), nothing is stored twice', async () => {
  // Person 1 frontal, then turned (a descriptor far from the frontal ones), then frontal again.
  const turned: AnalyzedFace = { ...person(9, 18), quality: { ...person(9, 18).quality, yaw: 0.5 } };
  const frames = [[person(1, 10)], [person(1, 14)], [turned], [person(1, 22)], [person(1, 26)]];
  const outcome = async (store: Store) => ({
    faces: await store.db.all<{ pos: number; clusterable: number }>('SELECT frame_pos AS pos, clusterable FROM faces ORDER BY ts'),
    people: (await store.db.all<{ n: number }>('SELECT count(DISTINCT person_id) AS n FROM face_person'))[0]!.n,
  });
  const uncut = await setup();
  for (const [i, faces] of frames.entries()) await uncut.run(i, faces);
  const expected = await outcome(uncut.store);
  assert.deepEqual(expected.faces.map((f) => f.clusterable), [1, 1, 0, 1, 1], 'uncut: the turned face is a sighting');
  await uncut.store.close();

  const first = await setup();
  for (let i = 0; i < 2; i++) await first.run(i, frames[i]!);
  await first.store.close(); // killed: the track stays open
  const again = await setup(first.dir);
  const cut = await again.store.tracks.openStarts(); // what the daemon does at start
  assert.equal(await again.store.tracks.closeOpen('interrupted'), 1);
  const from = resumePosition((await again.store.cameras.progress('cam'))!.position, cut.get('cam'), 2);
  for (const [i, faces] of frames.entries()) if (i * 0.5 > from) await again.run(i, faces);
  assert.deepEqual(await outcome(again.store), expected);
  const tracks = await again.store.db.all<{ n: number; end_reason: string | null; first_pos: number; best: number | null }>(
    'SELECT t.end_reason, t.first_pos, t.faces AS n, t.best_face_id AS best FROM tracks t ORDER BY t.id',
  );
  assert.deepEqual(tracks.map((t) => [t.n, t.end_reason, t.first_pos]), [[2, 'interrupted', 0], [3, null, 1]], 'the cut track stays closed; the rest is a new track from its first stored face');
  assert.ok(tracks.every((t) => t.best !== null));
  await again.store.close();
});
