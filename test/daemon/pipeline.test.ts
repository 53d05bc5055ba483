/**
 * The pipeline with the real store and people core (index + clusters); only the face engine (slow, ONNX) is
 * replaced by a stub that returns two faces per frame, near one of two identities.
 * "Disk full" is SQLite's own SQLITE_FULL, caused by capping the database's page count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { openPeople } from '../../src/people/index.js';
import { isClusterable, qualityScore } from '../../src/faces/quality.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { Pipeline, type AnalyzedFace } from '../../src/daemon/pipeline.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const rand = rng(7);
const centre = (k: number) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(k * 97 + i * 1.3) * 0.12);
const near = (c: Float32Array) => Float32Array.from(c, (x) => x + (rand() - 0.5) * 0.02);
const CENTRES = [centre(1), centre(2)];

function stubFaces(small = false): AnalyzedFace[] {
  return CENTRES.map((c, i) => ({
    box: { x: 4 + i * 30, y: 4, width: small ? 20 : 28, height: small ? 20 : 50 },
    score: 0.95,
    descriptor: near(c),
    quality: { height: small ? 20 : 50, eyeDistance: 20, sharpness: 100, yaw: 0 },
  }));
}

async function setup(analyze?: () => Promise<AnalyzedFace[]>) {
  const dir = join(mkdtempSync(join(tmpdir(), 'faceidx-pipeline-')), 'state');
  // The stub's faces are 50 px high: a gate of 40 px makes them identifiable (20 px ones are not).
  const config = parseConfig(`storage:\n  dir: ${dir}\ncameras:\n  - {id: cam, url: /x.mp4}\nquality:\n  minFaceHeight: 40\n`, 'p.yaml', { checkStorage: false });
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'cam', url: '/x.mp4', kind: 'file' });
  const people = await openPeople({ config, store, log: silentLogger });
  const index = people;
  let small = false;
  const pipeline = new Pipeline({
    analyzer: { analyze: analyze ?? (async () => stubFaces(small)) },
    store,
    people,
    gate: { isClusterable: (q) => isClusterable(q, config.quality), score: (q) => qualityScore(q, config.quality) },
    config,
    log: silentLogger,
  });
  let n = 0;
  const frame = () => ({ cameraId: 'cam', width: 96, height: 64, data: new Uint8Array(96 * 64 * 3).fill(n * 3), ts: 1_000_000 + ++n * 500, pos: n * 0.5 });
  return { store, index, pipeline, frame, setSmall: (v: boolean) => (small = v) };
}

test('frames flow through gate, store, index and clusters: two identities; gated faces stored, not indexed, people of their own tracks', async () => {
  const { store, index, pipeline, frame, setSmall } = await setup();
  for (let i = 0; i < 4; i++) assert.equal(await pipeline.processFrame(frame()), true);
  setSmall(true);
  assert.equal(await pipeline.processFrame(frame()), true);
  assert.deepEqual(await store.faces.count(), { faces: 10, clusterable: 8 });
  assert.equal(index.size, 8);
  const people = await store.people.list();
  // The small faces start new tracks (the box shrank too much to continue one): each is a person
  // of its own, seen only at low resolution; they are not indexed and pull nobody together.
  assert.deepEqual(people.map((p) => [p.faces, p.identified]), [[4, true], [4, true], [1, false], [1, false]]);
  assert.equal(pipeline.counters.facesGated, 2);
  assert.ok((await store.faces.thumbnail(1))!.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), 'a JPEG thumbnail');
  await store.close();
});

test('disk full: the frame is dropped and counted, nothing crashes, storing resumes when space returns', async () => {
  const { store, index, pipeline, frame } = await setup();
  for (let i = 0; i < 2; i++) await pipeline.processFrame(frame());
  const pages = (await store.db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count;
  await store.db.exec(`PRAGMA max_page_count = ${pages}`);
  let failed = 0;
  for (let i = 0; i < 40 && failed === 0; i++) if (!(await pipeline.processFrame(frame()))) failed++;
  assert.equal(failed, 1, 'a frame failed to store once the database could not grow');
  assert.ok(pipeline.counters.storeErrors >= 1);
  await store.db.exec('PRAGMA max_page_count = 1073741823');
  assert.equal(await pipeline.processFrame(frame()), true);
  const [check] = await store.db.all<{ integrity_check: string }>('PRAGMA integrity_check');
  assert.equal(check!.integrity_check, 'ok');
  const counts = await store.faces.count();
  assert.equal(index.size, counts.clusterable, 'the index holds exactly the stored faces');
  const assigned = await store.people.assignments();
  assert.equal(assigned.size, counts.clusterable);
  await store.close();
});

test('a fixed camera on an empty, unchanged scene skips the detector until the scene changes', async () => {
  let calls = 0;
  let faces: AnalyzedFace[] = [];
  const { store, pipeline } = await setup(async () => (calls++, faces));
  let n = 0;
  const frame = (grey: number) => ({ cameraId: 'cam', width: 96, height: 64, data: new Uint8Array(96 * 64 * 3).fill(grey), ts: 1_000_000 + ++n * 500, pos: n * 0.5 });
  for (const grey of [50, 52, 48, 50]) await pipeline.processFrame(frame(grey)); // noise: one run
  assert.equal(calls, 1);
  assert.equal(pipeline.counters.framesStatic, 3);
  await pipeline.processFrame(frame(80)); // the scene changed
  assert.equal(calls, 2);
  faces = stubFaces();
  await pipeline.processFrame(frame(120));
  await pipeline.processFrame(frame(120)); // frames with faces are always analysed
  assert.equal(calls, 4);
  faces = [];
  await pipeline.processFrame(frame(120)); // empty again: becomes the new reference
  await pipeline.processFrame(frame(121));
  assert.equal(calls, 5);
  assert.equal(pipeline.counters.framesProcessed, 9);
  await store.close();
});

test('the small-face pass: a 1080p frame gets the keyframe tiles, the next frames windows around small faces; a small frame none', async () => {
  const seen: Array<number | undefined> = [];
  const dir = join(mkdtempSync(join(tmpdir(), 'faceidx-pipeline-')), 'state');
  const config = parseConfig(`storage:\n  dir: ${dir}\ncameras:\n  - {id: cam, url: /x.mp4}\n`, 'p.yaml', { checkStorage: false });
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'cam', url: '/x.mp4', kind: 'file' });
  const people = await openPeople({ config, store, log: silentLogger });
  const small: AnalyzedFace = { box: { x: 900, y: 100, width: 22, height: 28 }, score: 0.9, descriptor: near(CENTRES[0]!), quality: { height: 28, eyeDistance: 8, sharpness: 50, yaw: 0 } };
  const pipeline = new Pipeline({
    analyzer: { analyze: async (_img, opts) => { seen.push(opts?.regions?.length); return [small]; } },
    store, people, config, log: silentLogger,
    gate: { isClusterable: (q) => isClusterable(q, config.quality), score: (q) => qualityScore(q, config.quality) },
  });
  const big = (i: number) => ({ cameraId: 'cam', width: 1920, height: 1080, data: new Uint8Array(1920 * 1080 * 3).fill(i * 20), ts: 1_000_000 + i * 200, pos: i * 0.2 });
  for (let i = 0; i < 6; i++) await pipeline.processFrame(big(i));
  // Frame 0: four tiles at 2/3 scale (keyframe); 1-4: one window around the small face; 5 (1 s later): a keyframe again
  // (the grey level changed everywhere, so every tile moved).
  assert.deepEqual(seen, [4, 1, 1, 1, 1, 4]);
  assert.equal(pipeline.smallFaces.counters.keyframes, 2);
  await pipeline.processFrame({ cameraId: 'cam2', width: 640, height: 360, data: new Uint8Array(640 * 360 * 3), ts: 1_000_000, pos: 0 });
  assert.equal(seen.at(-1), undefined);
  await pipeline.drain();
  await store.close();
});
