import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { diffCameras, sectionsNeedingRestart } from '../../src/daemon/reload.js';
import { areaShrink, faceThumbnail, thumbnailRect } from '../../src/daemon/thumbnail.js';
import sharp from 'sharp';
import { failureSummary } from '../../src/daemon/until-done.js';
import { REPLAY_MAX_SEC, resumePosition } from '../../src/daemon/cameras.js';
import { buildReport, formatReport } from '../../src/cli/status.js';

const cfg = (cams: string, extra = '') =>
  parseConfig(`storage:\n  dir: /tmp/faceidx-pure\ncameras:\n${cams}${extra}`, 'x.yaml', { checkStorage: false });

test('reload diff: added, removed, changed and unchanged cameras; disabled counts as removed', () => {
  const before = cfg('  - {id: a, url: /a.mp4}\n  - {id: b, url: /b.mp4}\n  - {id: c, url: /c.mp4}\n');
  const after = cfg('  - {id: a, url: /a.mp4}\n  - {id: b, url: /b.mp4, fps: 2}\n  - {id: c, url: /c.mp4, enabled: false}\n  - {id: d, url: /d.mp4}\n');
  const d = diffCameras(before.cameras, after.cameras);
  assert.deepEqual(d.added.map((c) => c.id), ['d']);
  assert.deepEqual(d.removed, ['c']);
  assert.deepEqual(d.changed.map((c) => c.id), ['b']);
  assert.deepEqual(d.unchanged, ['a']);
});

test('reload: sections other than cameras and logging need a restart', () => {
  const a = cfg('  - {id: a, url: /a.mp4}\n');
  const b = cfg('  - {id: a, url: /a.mp4}\n', 'clustering:\n  threshold: 0.45\nlogging:\n  level: debug\n');
  assert.deepEqual(sectionsNeedingRestart(a, b), ['clustering']);
  assert.deepEqual(sectionsNeedingRestart(a, a), []);
});

test('thumbnail rectangle: square, 1.5x the box, centred, kept inside the frame', () => {
  assert.deepEqual(thumbnailRect({ x: 100, y: 100, width: 40, height: 60 }, 640, 480), { left: 75, top: 85, width: 90, height: 90 });
  assert.deepEqual(thumbnailRect({ x: 0, y: 0, width: 40, height: 40 }, 640, 480), { left: 0, top: 0, width: 60, height: 60 });
  assert.deepEqual(thumbnailRect({ x: 620, y: 460, width: 40, height: 40 }, 640, 480), { left: 580, top: 420, width: 60, height: 60 });
  assert.deepEqual(thumbnailRect({ x: 0, y: 0, width: 400, height: 400 }, 300, 200), { left: 100, top: 0, width: 200, height: 200 });
});

test('status report: a stale status file with a dead pid says not running', () => {
  const status = {
    pid: 4242, startedAt: 1, updatedAt: 2, state: 'running' as const, provider: 'cpu', indexSize: 7,
    faces: { stored: 9, clusterable: 7, gated: 2, storeErrors: 0 }, frames: { processed: 5, withFaces: 4, static: 0 }, feeds: [],
  };
  const dead = buildReport(undefined, status, { faces: 9, clusterable: 7, persons: 2 });
  assert.equal(dead.daemon.running, false);
  assert.equal(dead.daemon.state, 'stopped');
  assert.deepEqual(dead.totals, { faces: 9, clusterable: 7, persons: 2, lowResolution: 0, indexSize: 7, provider: 'cpu' });
  const live = buildReport(4242, status, { faces: 9, clusterable: 7, persons: 2 });
  assert.equal(live.daemon.running, true);
  assert.equal(live.daemon.pid, 4242);
});

test('status report: each feed shows the faces stored from it and how many were too small or blurred to identify', () => {
  const feed = (cameraId: string) => ({ cameraId, state: 'done', fps: 1, framesOut: 12, drops: 0, restarts: 0, lastFrameAt: 5, lastError: null });
  const status = {
    pid: 1, startedAt: 1, updatedAt: 2, state: 'running' as const, provider: 'cpu', indexSize: 7,
    faces: { stored: 30, clusterable: 7, gated: 23, storeErrors: 0 }, frames: { processed: 24, withFaces: 20, static: 0 },
    feeds: [feed('classroom'), feed('desk'), feed('empty')],
  } as unknown as Parameters<typeof buildReport>[1];
  const byCamera = new Map([['classroom', { faces: 23, clusterable: 0 }], ['desk', { faces: 7, clusterable: 7 }]]);
  const r = buildReport(undefined, status, { faces: 30, clusterable: 7, persons: 5, lowResolution: 4, byCamera });
  assert.deepEqual(r.feeds.map((f) => [f.cameraId, f.faces, f.belowGate]), [['classroom', 23, 23], ['desk', 7, 0], ['empty', 0, 0]]);
  const text = formatReport(r);
  assert.match(text, /below gate/);
  assert.match(text.split('\n').find((l) => l.startsWith('classroom'))!, /\b23\s+23\b/);
  assert.match(text, /persons: 5 \(4 seen only at low resolution\)/);
  assert.equal(r.totals.lowResolution, 4);
});

test('until-done summary: one line per failed camera without repeating its name, then the count; none when nothing failed', () => {
  const base = { url: '/x', kind: 'file' as const, framesIn: 0, framesOut: 0, drops: 0, fps: 0, state: 'error' as const };
  const lines = failureSummary(
    [
      { ...base, cameraId: 'gone', restarts: 3, lastError: 'camera "gone": no such file (/x/gone.mp4) (fix: check the path)', lastErrorCode: 'FACEIDX_FEED_INPUT' },
      { ...base, cameraId: 'cut', restarts: 0, lastError: 'camera "cut": truncated file (/x/cut.mp4)', lastErrorCode: 'FACEIDX_FEED_INPUT' },
    ],
    3,
  );
  assert.deepEqual(lines, [
    'faceidx: camera "gone" ended with an error, after 3 retries: no such file (/x/gone.mp4) (fix: check the path) [FACEIDX_FEED_INPUT]',
    'faceidx: camera "cut" ended with an error: truncated file (/x/cut.mp4) [FACEIDX_FEED_INPUT]',
    'faceidx: 2 of 3 cameras ended with an error; everything the other cameras gave is stored',
  ]);
  assert.deepEqual(failureSummary([], 3), []);
});

test('areaShrink: each thumbnail pixel is the rounded mean of its block of the frame', () => {
  const width = 6;
  const data = new Uint8Array(width * 5 * 3).map((_, i) => i % 251);
  const out = areaShrink({ width, data }, { left: 1, top: 1, width: 4, height: 4 }, 2);
  const mean = (xs: number[], ys: number[], c: number) => Math.round(xs.flatMap((x) => ys.map((y) => data[(y * width + x) * 3 + c]!)).reduce((a, v) => a + v, 0) / (xs.length * ys.length));
  for (const [u, v] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
    for (let c = 0; c < 3; c++) assert.equal(out[(v * 2 + u) * 3 + c], mean([1 + 2 * u, 2 + 2 * u], [1 + 2 * v, 2 + 2 * v], c), `pixel ${u},${v} channel ${c}`);
  }
});

test('areaShrink: blocks of 4 px or more average every other row and column', () => {
  const width = 8;
  const data = new Uint8Array(width * 8 * 3).map((_, i) => (i * 7) % 253);
  const out = areaShrink({ width, data }, { left: 0, top: 0, width: 8, height: 8 }, 2);
  const at = (x: number, y: number) => data[(y * width + x) * 3]!;
  assert.equal(out[0], Math.round((at(0, 0) + at(2, 0) + at(0, 2) + at(2, 2)) / 4));
  assert.equal(out[(1 * 2 + 1) * 3], Math.round((at(4, 4) + at(6, 4) + at(4, 6) + at(6, 6)) / 4));
});

test('faceThumbnail: a large face shrunk here looks like sharp\'s resize of it (mean difference under 2 levels)', async () => {
  const width = 800;
  const height = 600;
  const frame = { width, height, data: new Uint8Array(width * height * 3) };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) frame.data[(y * width + x) * 3 + c] = Math.round(127 + 90 * Math.sin(x / (40 + 8 * c)) * Math.cos(y / 50));
  const box = { x: 200, y: 150, width: 300, height: 300 };
  const jpeg = await faceThumbnail(frame, box, 90);
  const got = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([got.info.width, got.info.height], [112, 112]);
  const ref = await sharp(frame.data, { raw: { width, height, channels: 3 } }).extract(thumbnailRect(box, width, height)).resize(112, 112, { fit: 'fill' }).raw().toBuffer();
  const diff = got.data.reduce((a, v, i) => a + Math.abs(v - ref[i]!), 0) / ref.length;
  assert.ok(diff < 2, `mean difference ${diff.toFixed(2)}`);
});

test('resume position of a file: after the last stored frame, or half a frame before the first frame of the tracks a crash cut (at most REPLAY_MAX_SEC back)', () => {
  assert.equal(resumePosition(12.5, undefined, 4), 12.5);
  assert.equal(resumePosition(12.5, 11, 4), 10.875);
  assert.equal(resumePosition(12.5, 0, 2), -0.25, 'a track from the first frame: the file is read from its start');
  assert.equal(resumePosition(300, 10, 4), 300 - REPLAY_MAX_SEC - 0.125, 'a long track: only the last minute is replayed');
  assert.equal(resumePosition(12.5, 13, 4), 12.5, 'a track starting after the recorded progress: the next frame is its first');
});
