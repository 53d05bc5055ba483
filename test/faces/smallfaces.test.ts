/**
 * The small-face pass's plan (pure) and the region packing it feeds YuNet: edge cases first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import { SIGNATURE_COLS, SIGNATURE_ROWS } from '../../src/feed/scene.js';
import { FULL_EVERY, motionCells, planSmallFaces, smallFacesApply, windowsAround } from '../../src/faces/smallfaces.js';
import { offsetFaces, packYunet, packYunetRegion, tileRegions } from '../../src/faces/yunet.js';
import { lostBoxes } from '../../src/faces/detectors.js';
import { SmallFacePlanner } from '../../src/daemon/small-faces.js';

const detector = (smallFaces: Record<string, unknown> = {}, inputWidth = 640) =>
  configSchema.parse({ cameras: [], storage: { dir: '/tmp/x' }, detector: { inputWidth, smallFaces } }).detector;

test('the pass applies only to yunet frames wider than 1.5 x inputWidth, and not when off', () => {
  assert.equal(smallFacesApply(1920, detector()), true);
  assert.equal(smallFacesApply(960, detector()), false); // 640 sees it at two thirds already
  assert.equal(smallFacesApply(480, detector()), false);
  assert.equal(smallFacesApply(1920, detector({ mode: 'off' })), false);
  assert.equal(smallFacesApply(1920, detector({}, 0)), false); // inputWidth 0: full resolution already
  assert.deepEqual(planSmallFaces(640, 360, detector(), [], { frames: 0 }).regions, []);
});

test('tiles cover the frame, overlap by the margin, stay inside it, and keep under the tile size', () => {
  for (const [w, h, scale] of [[1920, 1080, 1], [3840, 2160, 1], [1920, 1080, 2 / 3], [1000, 700, 1]] as const) {
    const tiles = tileRegions(w, h, scale, 704, 96);
    for (const t of tiles) {
      assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= w && t.y + t.height <= h, JSON.stringify(t));
      assert.ok(t.width * scale <= 704 + 1 && t.height * scale <= 704 + 1, JSON.stringify(t));
    }
    // Every 96 px face lies whole in some tile.
    for (let y = 0; y + 96 <= h; y += 37) for (let x = 0; x + 96 <= w; x += 41) {
      assert.ok(tiles.some((t) => t.x <= x && t.y <= y && t.x + t.width >= x + 96 && t.y + t.height >= y + 96), `${w}x${h} face at ${x},${y}`);
    }
  }
  assert.equal(tileRegions(1920, 1080, 1, 704, 96).length, 6);
});

test('tracks mode: a keyframe tiles the frame; between keyframes only windows around small faces', () => {
  const d = detector({ every: '1s', minFrames: 1, tileScale: 1 });
  const first = planSmallFaces(1920, 1080, d, [], { frames: 0 }, 0);
  assert.equal(first.keyframe, true);
  assert.equal(first.regions.length, 6);
  const faces = [{ x: 100, y: 100, width: 24, height: 30 }, { x: 900, y: 500, width: 200, height: 240 }];
  const between = planSmallFaces(1920, 1080, d, faces, first.state, 200);
  assert.equal(between.keyframe, false);
  // One window, around the small face only (the large one is the whole-frame pass's).
  assert.deepEqual(between.regions, [{ x: 40, y: 40, width: 144, height: 150, scale: 1 }]);
  const next = planSmallFaces(1920, 1080, d, faces, between.state, 1000);
  assert.equal(next.keyframe, true);
  // Time going back (a restarted feed) starts over with a keyframe.
  assert.equal(planSmallFaces(1920, 1080, d, faces, next.state, 10).keyframe, true);
  // tiles mode: every frame is a keyframe.
  const t = detector({ mode: 'tiles' });
  const a = planSmallFaces(1920, 1080, t, faces, { frames: 0 }, 0);
  assert.equal(planSmallFaces(1920, 1080, t, faces, a.state, 200).keyframe, true);
});

test('windows: clipped to the frame, overlapping ones merged, at most maxWindows (smallest faces first)', () => {
  const s = detector({ maxWindows: 2, margin: 1 }).smallFaces;
  const w = windowsAround(1920, 1080, [
    { x: 0, y: 0, width: 20, height: 20 }, // at the corner: clipped
    { x: 1000, y: 500, width: 50, height: 50 },
    { x: 1060, y: 500, width: 40, height: 40 }, // overlaps the one before: merged
    { x: 1500, y: 500, width: 59, height: 59 }, // the largest: beyond maxWindows
    { x: 1700, y: 500, width: 70, height: 70 }, // not small
  ].slice(0), s);
  // maxWindows 2 keeps the 20 and 40 px faces; 50 px and larger are left to the next keyframe.
  assert.deepEqual(w, [{ x: 0, y: 0, width: 68, height: 68, scale: 1 }, { x: 1012, y: 452, width: 136, height: 136, scale: 1 }]);
  assert.deepEqual(windowsAround(1920, 1080, [], s), []);
});

test('motion: keyframes tile only where the scene moved, all tiles on the first and every FULL_EVERY-th', () => {
  const d = detector({ every: 0, minFrames: 1, tileScale: 1 });
  const still = new Float32Array(SIGNATURE_COLS * SIGNATURE_ROWS).fill(100);
  const moved = Float32Array.from(still);
  moved[SIGNATURE_COLS * 2 + 2] = 130; // a change near the top-left corner
  let st = planSmallFaces(1920, 1080, d, [], { frames: 0 }, 0, still).state;
  const counts: number[] = [];
  for (let i = 1; i <= FULL_EVERY; i++) {
    const p = planSmallFaces(1920, 1080, d, [], st, i * 1000, i === 1 ? moved : still);
    st = p.state;
    counts.push(p.regions.length);
  }
  // Keyframes 2 and 3 (the corner changed, then changed back): the top-left tile only; 4..10
  // (nothing moved): none; 11 (FULL_EVERY after the first): all six.
  assert.deepEqual(counts, [1, 1, 0, 0, 0, 0, 0, 0, 0, 6]);
  const near = motionCells(still, moved);
  assert.equal(near({ x: 0, y: 0, width: 100, height: 100 }, 1920, 1080), true);
  assert.equal(near({ x: 1000, y: 600, width: 100, height: 100 }, 1920, 1080), false);
});

test('region packing: a full-resolution region is the frame\'s own pixels, offset; faces map back by the offset', () => {
  const w = 64, h = 64;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  const img = { width: w, height: h, data };
  const whole = packYunet(img, { width: 64, height: 64, scale: 1 }, new Float32Array(3 * 64 * 64));
  const { input, tensor } = packYunetRegion(img, { x: 0, y: 0, width: 64, height: 64, scale: 1 });
  assert.deepEqual(input, { width: 64, height: 64, scale: 1 });
  assert.deepEqual(Array.from(tensor), Array.from(whole));
  const part = packYunetRegion(img, { x: 16, y: 8, width: 20, height: 10, scale: 1 });
  assert.deepEqual(part.input, { width: 32, height: 32, scale: 1 });
  const plane = 32 * 32;
  // Input pixel (0, 0) is frame pixel (16, 8): B, G, R planes.
  const at = (8 * w + 16) * 3;
  assert.deepEqual([part.tensor[0], part.tensor[plane], part.tensor[2 * plane]], [data[at + 2], data[at + 1], data[at]]);
  assert.equal(part.tensor[20], 0); // padding right of the region
  const up = packYunetRegion(img, { x: 0, y: 0, width: 10, height: 10, scale: 2 });
  assert.deepEqual(up.input, { width: 32, height: 32, scale: 2 });
  const [f] = offsetFaces([{ score: 0.9, box: { x: 1, y: 2, width: 3, height: 4 }, points5: [[1, 2]] }], 16, 8);
  assert.deepEqual(f, { score: 0.9, box: { x: 17, y: 10, width: 3, height: 4 }, points5: [[17, 10]] });
});

test('minFrames bounds the keyframes at low frame rates: at 1 fps, every third frame with the defaults', () => {
  const d = detector();
  assert.equal(d.smallFaces.minFrames, 3);
  let st = { frames: 0 } as Parameters<typeof planSmallFaces>[4];
  const keys: boolean[] = [];
  for (let i = 0; i < 7; i++) {
    const p = planSmallFaces(1920, 1080, d, [], st, i * 1000);
    st = p.state;
    keys.push(p.keyframe);
  }
  assert.deepEqual(keys, [true, false, false, true, false, false, true]);
  // The default keyframe tiles are at 2/3 scale: four tiles of at most 704 input pixels.
  const first = planSmallFaces(1920, 1080, d, [], { frames: 0 }, 0);
  assert.equal(first.regions.length, 4);
  assert.ok(first.regions.every((r) => r.scale === 2 / 3 && r.width * r.scale <= 705));
});

test('recheck: the last frames\' faces that this frame\'s detections miss, unless a region of this frame held them whole', () => {
  const last = [
    { x: 100, y: 100, width: 40, height: 50 }, // found again, moved a little: not lost
    { x: 600, y: 300, width: 44, height: 60 }, // nothing there now: lost
    { x: 1500, y: 700, width: 30, height: 40 }, // inside a region of this frame: seen at a larger scale already
    { x: 900, y: 500, width: 70, height: 80 }, // a detection overlapping by IoU 0.2 or more: not lost
  ];
  const found = [{ box: { x: 108, y: 104, width: 40, height: 50 } }, { box: { x: 940, y: 500, width: 70, height: 80 } }];
  const regions = [{ x: 1400, y: 600, width: 300, height: 300, scale: 1 }];
  assert.deepEqual(lostBoxes(last, found, regions), [last[1]]);
  assert.deepEqual(lostBoxes([], found, regions), []);
  assert.deepEqual(lostBoxes(last, [], []), last);
});

test('the planner asks to recheck the faces of the camera\'s last two frames under recheckHeight (mode tracks only, 0 turns it off)', () => {
  const planner = new SmallFacePlanner({ ...detector({ recheckHeight: 80 }), model: 'yunet' });
  const frame = (ts: number) => ({ cameraId: 'c', width: 1920, height: 1080, ts });
  assert.equal(planner.plan(frame(0)).recheck, undefined); // nothing seen yet
  planner.saw('c', [{ x: 10, y: 10, width: 50, height: 70 }, { x: 500, y: 10, width: 90, height: 100 }]);
  planner.plan(frame(200));
  planner.saw('c', [{ x: 20, y: 10, width: 30, height: 40 }]);
  const r = planner.plan(frame(400)).recheck;
  assert.deepEqual(r?.boxes, [{ x: 20, y: 10, width: 30, height: 40 }, { x: 10, y: 10, width: 50, height: 70 }]);
  assert.equal(r?.maxHeight, 80);
  for (const off of [{ recheckHeight: 0 }, { mode: 'tiles' }]) {
    const p = new SmallFacePlanner({ ...detector(off), model: 'yunet' });
    p.plan(frame(0));
    p.saw('c', [{ x: 20, y: 10, width: 30, height: 40 }]);
    assert.equal(p.plan(frame(200)).recheck, undefined, JSON.stringify(off));
  }
});
