/**
 * `faceidx watch` and `faceidx alerts` on a real store, with the real face pipeline: photos are
 * frames of the sample clips cut with ffmpeg (one face, two faces) and a plain image (none).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli } from './fixture.js';
import { MODEL_DIR, SAMPLES, cli as cliProcess } from '../e2e/harness.js';
import { openStore } from '../../src/store/index.js';
import { euclidean } from '../../src/index/distance.js';

const root = mkdtempSync(join(tmpdir(), 'faceidx-watch-cli-'));
const storage = join(root, 'state');
const config = join(root, 'config.yaml');
writeFileSync(config, `storage:\n  dir: ${JSON.stringify(storage)}\ncameras: []\ninference:\n  device: cpu\n  workers: 0\n  modelDir: ${JSON.stringify(MODEL_DIR)}\n`);
const photo = (name: string) => join(root, name);

function frame(clip: string, at: number, out: string): void {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', String(at), '-i', join(SAMPLES, clip), '-frames:v', '1', photo(out)]);
}

before(async () => {
  frame('head-pose-face-detection-female.mp4', 1, 'woman.jpg');
  frame('classroom.mp4', 1, 'classroom.jpg');
  await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 120, g: 130, b: 140 } } }).jpeg().toFile(photo('wall.jpg'));
});

test('watch add stores the descriptor the face pipeline computes, not the photo; list shows it', async () => {
  const r = await cli('watch', 'add', 'woman', photo('woman.jpg'), '--config', config);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /watching "woman": 1 photo \(woman\.jpg\)/);
  // embed writes straight to the process's stdout: run it as its own process.
  const embed = cliProcess(['embed', '--json', '--model-dir', MODEL_DIR, '--device', 'cpu', photo('woman.jpg')]);
  const expected = Float32Array.from((JSON.parse(embed.stdout) as Array<{ faces: Array<{ descriptor: number[] }> }>)[0]!.faces[0]!.descriptor);
  const store = await openStore(storage, { readonly: true });
  const [stored] = await store.watch.descriptors();
  const [row] = await store.watch.list();
  await store.close();
  assert.ok(euclidean(stored!.descriptor, expected) < 1e-4, 'the stored descriptor is the pipeline\'s');
  assert.equal(row!.photosKept, 0);
  const list = await cli('watch', 'list', '--json', '--config', config);
  assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string; photos: number; sources: string[] }>).map((e) => [e.name, e.photos, e.sources]), [['woman', 1, ['woman.jpg']]]);
  const again = await cli('watch', 'add', 'woman', photo('woman.jpg'), '--config', config);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already has "woman".*watch remove/);
});

test('a photo without a face, or with several, is refused naming the file; --face N picks one', async () => {
  const none = await cli('watch', 'add', 'nobody', photo('wall.jpg'), '--config', config);
  assert.equal(none.code, 1);
  assert.match(none.stderr, new RegExp(`no face found in ${photo('wall.jpg').replace(/[.]/g, '\\.')}`));
  const many = await cli('watch', 'add', 'student', photo('classroom.jpg'), '--config', config);
  assert.equal(many.code, 1);
  // The classroom frame shows four seated people; YuNet (the default detector) finds all four.
  assert.match(many.stderr, /classroom\.jpg shows 4 faces .*the largest is face \d, which would be taken.*--face N/);
  const picked = await cli('watch', 'add', 'student', photo('classroom.jpg'), '--face', '2', '--keep-photo', '--config', config);
  assert.equal(picked.code, 0, picked.stderr);
  const tooFar = await cli('watch', 'add', 'x', photo('classroom.jpg'), '--face', '5', '--config', config);
  assert.equal(tooFar.code, 2);
  assert.match(tooFar.stderr, /--face 5: .*classroom\.jpg shows 4 faces/);
  const store = await openStore(storage, { readonly: true });
  const list = await store.watch.list();
  await store.close();
  assert.deepEqual(list.map((e) => [e.name, e.photosKept]), [['student', 1], ['woman', 0]]);
});

test('watch remove drops the entry; an unknown name is exit 3', async () => {
  assert.equal((await cli('watch', 'remove', 'student', '--config', config)).code, 0);
  const gone = await cli('watch', 'remove', 'student', '--config', config);
  assert.equal(gone.code, 3);
  assert.match(gone.stderr, /no "student".*watch list/);
  const list = await cli('watch', 'list', '--config', config);
  assert.match(list.stdout, /^NAME\s+PHOTOS\s+FILES\s+ADDED\nwoman\s+1\s+woman\.jpg/);
});

test('faceidx alerts lists alerts with their deliveries, --since and --json', async () => {
  const store = await openStore(storage);
  const [entry] = await store.watch.list();
  const base = { entryId: entry!.id, entryName: 'woman', cameraId: 'lobby', faceId: 3, personId: 2, distance: 0.41234, thumbnail: null };
  const old = Date.parse('2026-11-20T10:00:00Z');
  const a1 = (await store.alerts.insert({ ...base, trackId: 1, ts: old }, ['log', 'webhook']))!;
  await store.alerts.markSent(a1, 'log');
  await store.alerts.markFailed(a1, 'webhook', 'ECONNREFUSED', Date.now() + 1000);
  await store.alerts.insert({ ...base, trackId: 2, ts: old + 3_600_000 }, ['log']);
  await store.close();
  const json = await cli('alerts', '--json', '--config', config);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as Array<{ track: number; time: string; distance: number; deliveries: Record<string, { state: string; attempts: number; lastError: string | null }> }>;
  assert.deepEqual(rows.map((r) => [r.track, r.time]), [[1, '2026-11-20T10:00:00.000Z'], [2, '2026-11-20T11:00:00.000Z']]);
  assert.equal(rows[0]!.distance, 0.4123);
  const hook = rows[0]!.deliveries['webhook']!;
  assert.deepEqual([hook.state, hook.attempts, hook.lastError], ['pending', 1, 'ECONNREFUSED']);
  assert.equal(rows[0]!.deliveries['log']!.state, 'sent');
  const since = await cli('alerts', '--since', '2026-11-20T10:30:00Z', '--config', config);
  assert.match(since.stdout, /^ID\s+TIME\s+NAME/);
  assert.equal(since.stdout.trim().split('\n').length, 2);
  assert.match(since.stdout, /2026-11-20 11:00:00Z\s+woman\s+lobby\s+2\s+2\s+0\.412\s+log pending/);
});
