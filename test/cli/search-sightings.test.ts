/**
 * `faceidx search <photo>` answers "was this person here?": the nearest people with their
 * sightings (camera, time, position in the feed). Real face pipeline on a frame of a sample clip;
 * the store holds that face's descriptor as a person seen on two cameras, and a stranger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './fixture.js';
import { MODEL_DIR, SAMPLES } from '../e2e/harness.js';
import { openStore, type NewFace } from '../../src/store/index.js';
import { configSchema } from '../../src/config/schema.js';
import { FaceEngine, loadImage } from '../../src/faces/index.js';
import { silentLogger } from '../../src/log/logger.js';

test('search lists the sightings of the nearest people, as visits in the table and one by one in --json', async () => {
  const root = mkdtempSync(join(tmpdir(), 'faceidx-search-'));
  const storage = join(root, 'state');
  const config = join(root, 'config.yaml');
  writeFileSync(config, `storage:\n  dir: ${JSON.stringify(storage)}\ncameras: []\ninference:\n  device: cpu\n  workers: 0\n  modelDir: ${JSON.stringify(MODEL_DIR)}\n`);
  const photo = join(root, 'man.jpg');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', '1', '-i', join(SAMPLES, 'head-pose-face-detection-male.mp4'), '-frames:v', '1', photo]);
  const defaults = configSchema.parse({ storage: { dir: storage }, inference: { device: 'cpu' } });
  const engine = await FaceEngine.create({ detector: defaults.detector, inference: defaults.inference, modelDir: MODEL_DIR, log: silentLogger });
  const [face] = await engine.analyze(await loadImage(photo)).finally(() => engine.close());
  assert.ok(face, 'the sample frame shows a face');

  const t0 = Date.parse('2026-11-20T09:00:00Z');
  const row = (cameraId: string, ts: number, framePos: number, descriptor: Float32Array, faceIdx = 0): NewFace => ({
    cameraId, ts, framePos, faceIdx, box: { x: 1, y: 1, width: 60, height: 60 }, score: 0.9, quality: 60, clusterable: true, descriptor,
  });
  const near = face.descriptor.map((v, i) => v + (i % 2 ? 0.004 : -0.004));
  const far = face.descriptor.map((v, i) => (i % 3 ? -v : v));
  const store = await openStore(storage);
  for (const id of ['gate', 'lobby']) await store.cameras.upsert({ id, url: `${id}.mp4`, kind: 'file' });
  const man = await store.people.create();
  const ids = (await store.faces.insertMany([row('lobby', t0, 0, near), row('lobby', t0 + 60_000, 60, near), row('gate', t0 + 3_600_000, 12.5, face.descriptor)])) as number[];
  await store.people.assign(ids.map((f) => [f, man] as const));
  await store.people.setLabel(man, 'the man');
  const stranger = await store.people.create();
  const [sid] = (await store.faces.insertMany([row('gate', t0, 3, far, 1)])) as number[];
  await store.people.assign([[sid!, stranger]]);
  await store.close();

  const json = await cli('search', photo, '--json', '--sightings', '2', '--config', config);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { faces: Array<{ matches: Array<{ personId: number; sightings: Array<{ camera: string; time: string; framePos: number }>; sightingsTotal: number; visits: Array<{ camera: string; faces: number }> }> }> };
  const [first, second] = out.faces[0]!.matches;
  assert.equal(first!.personId, man);
  assert.deepEqual(first!.sightings.map((s) => [s.camera, s.time, s.framePos]), [['lobby', '2026-11-20T09:00:00.000Z', 0], ['lobby', '2026-11-20T09:01:00.000Z', 60]]);
  assert.equal(first!.sightingsTotal, 3);
  assert.deepEqual(first!.visits.map((v) => [v.camera, v.faces]), [['lobby', 2], ['gate', 1]]);
  assert.equal(second!.personId, stranger);
  assert.deepEqual(second!.sightings.map((s) => s.camera), ['gate']);

  const table = await cli('search', photo, '--config', config);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`person ${man} \\(the man\\) was seen:\\n\\s+CAMERA\\s+FROM\\s+TO\\s+FOR\\s+FACES\\n\\s+lobby\\s+2026-11-20 09:00:00Z\\s+2026-11-20 09:01:00Z\\s+1m\\s+2\\n\\s+gate\\s+2026-11-20 10:00:00Z`));
});
