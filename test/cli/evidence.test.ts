/** `faceidx export --person`: image-folder sightings re-read from the image, live sightings noted, bad usage. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Manifest } from '../../src/report/manifest.js';
import { openStore } from '../../src/store/index.js';
import { cli, jpeg, writeConfig } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'faceidx-evidence-'));
after(() => rmSync(root, { recursive: true, force: true }));
const image = join(root, 'imgs', 'IMG_0007.png');
let config = '';
let person = 0;

before(async () => {
  mkdirSync(join(root, 'imgs'));
  // 320x240 grey with a red 60x60 square at (100, 50): the "face".
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: { create: { width: 60, height: 60, channels: 3, background: { r: 220, g: 20, b: 20 } } }, left: 100, top: 50 }])
    .png()
    .toFile(image);
  const dir = join(root, 'state');
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'imgs', url: join(root, 'imgs'), kind: 'folder' });
  await store.cameras.upsert({ id: 'door', url: 'rtsp://cam/door', kind: 'rtsp' });
  await store.cameras.setTimeSource('imgs', 'mtime');
  const common = { score: 0.9, quality: 50, clusterable: true, descriptor: new Float32Array(128), thumbnail: await jpeg(112, 112) };
  const ids = await store.faces.insertMany([
    { ...common, cameraId: 'imgs', ts: 1_700_000_000_000, framePos: 6, faceIdx: 0, box: { x: 100, y: 50, width: 60, height: 60 }, source: image },
    { ...common, cameraId: 'door', ts: 1_700_000_100_000, framePos: 12.5, faceIdx: 0, box: { x: 5, y: 5, width: 30, height: 30 } },
  ]);
  person = await store.people.create();
  await store.people.assign(ids.map((id) => [id!, person] as const));
  await store.close();
  config = writeConfig(root, dir);
});

test('an image sighting: the frame is the image, the crop is around the box, the manifest has its sha256; a live one is noted', async () => {
  const out = join(root, 'out');
  const r = await cli('export', '--person', String(person), '--out', out, '--config', config);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const [img, live] = m.sightings;
  assert.equal(img!.sha256, createHash('sha256').update(readFileSync(image)).digest('hex'));
  assert.deepEqual([img!.camera, img!.source, img!.offset, img!.timeSource, img!.wallTime], ['imgs', image, 6, 'mtime', new Date(1_700_000_000_000).toISOString()]);
  const frame = await sharp(join(out, img!.frame!)).metadata();
  assert.deepEqual([frame.width, frame.height], [320, 240]);
  const crop = await sharp(join(out, img!.crop!)).resize(30, 30, { fit: 'fill', kernel: 'nearest' }).raw().toBuffer();
  const centre = (15 * 30 + 15) * 3;
  assert.ok(crop[centre]! > 180 && crop[centre + 1]! < 60, `the crop is centred on the red box: ${crop.subarray(centre, centre + 3).join(',')}`);
  assert.deepEqual([live!.frame, live!.source, live!.thumbnail !== null], [null, null, true]);
  assert.match(live!.note!, /live stream/);
  const csv = readFileSync(join(out, 'manifest.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 3);
  assert.match(csv[0]!, /^face_id,track_id,camera,source,sha256,offset_s,offset,frame_index,wall_time,time_source,x,y,width,height/);
});

test('--person without --out, an unknown person, and a folder that is not an export are refused', async () => {
  const noOut = await cli('export', '--person', String(person), '--config', config);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--person needs --out/);
  const unknown = await cli('export', '--person', '999', '--out', join(root, 'x'), '--config', config);
  assert.equal(unknown.code, 3);
  const notOurs = await cli('export', '--person', String(person), '--out', join(root, 'imgs'), '--config', config);
  assert.equal(notOurs.code, 2);
  assert.match(notOurs.stderr, /not a faceidx evidence export.*--force/);
});

test('issue 21: a manifest.json holding {} is not an export: nothing in the folder is removed, with or without --force', async () => {
  const d = join(root, 'not-an-export');
  mkdirSync(join(d, 'thumbnails'), { recursive: true });
  writeFileSync(join(d, 'manifest.json'), '{}\n');
  writeFileSync(join(d, 'thumbnails', 'icon.png'), 'x\n');
  for (const force of [[], ['--force']]) {
    const r = await cli('export', '--person', String(person), '--out', d, '--config', config, ...force);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /manifest\.json that does not list what faceidx wrote/);
  }
  assert.equal(readFileSync(join(d, 'thumbnails', 'icon.png'), 'utf8'), 'x\n');
  assert.equal(readFileSync(join(d, 'manifest.json'), 'utf8'), '{}\n');
});

test('issue 21: a second export removes only what the first wrote; every file 0600 in 0700 folders', async () => {
  const d = join(root, 'again');
  mkdirSync(join(d, 'frames'), { recursive: true, mode: 0o755 });
  writeFileSync(join(d, 'frames', 'mine.jpg'), 'x');
  writeFileSync(join(d, 'notes.txt'), 'mine');
  assert.equal((await cli('export', '--person', String(person), '--out', d, '--config', config, '--force')).code, 0);
  const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(m.written!.files.map((f) => f.path).sort(), ['crops/face-1.jpg', 'frames/face-1.jpg', 'manifest.csv', 'thumbnails/face-1.jpg', 'thumbnails/face-2.jpg']);
  for (const f of m.written!.files) {
    assert.equal(statSync(join(d, f.path)).mode & 0o777, 0o600, f.path);
    assert.equal(createHash('sha256').update(readFileSync(join(d, f.path))).digest('hex'), f.sha256);
  }
  for (const dir of ['crops', 'thumbnails']) assert.equal(statSync(join(d, dir)).mode & 0o777, 0o700, dir);
  const r = await cli('export', '--person', String(person), '--out', d, '--config', config);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(d, 'frames')).sort(), ['face-1.jpg', 'mine.jpg']);
  assert.equal(readFileSync(join(d, 'notes.txt'), 'utf8'), 'mine');
});

test('issue 21: after report --force, the next report leaves the user\'s files in img/, person/, camera/', async () => {
  const d = join(root, 'report');
  for (const sub of ['img', 'person', 'camera']) {
    mkdirSync(join(d, sub), { recursive: true });
    writeFileSync(join(d, sub, 'holiday.jpg'), `x ${sub}\n`);
  }
  const first = await cli('report', '--out', d, '--force', '--config', config);
  assert.equal(first.code, 0, first.stderr);
  const second = await cli('report', '--out', d, '--config', config);
  assert.equal(second.code, 0, second.stderr);
  for (const sub of ['img', 'person', 'camera']) assert.equal(readFileSync(join(d, sub, 'holiday.jpg'), 'utf8'), `x ${sub}\n`);
  assert.ok(existsSync(join(d, 'people.js')) && existsSync(join(d, 'index.html')));
  const pages = readdirSync(join(d, 'person')).filter((f) => f !== 'holiday.jpg');
  assert.ok(pages.length > 0);
  writeFileSync(join(d, 'person', pages[0]!), 'edited');
  const third = await cli('report', '--out', d, '--config', config);
  assert.equal(third.code, 2, 'a page changed since the last report is neither removed nor overwritten');
  assert.match(third.stderr, /not a file this faceidx wrote there \(or it changed since\); it was not overwritten/);
  assert.equal(readFileSync(join(d, 'person', pages[0]!), 'utf8'), 'edited');
});
