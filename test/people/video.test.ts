/**
 * What video gives the people core (src/people/video.ts), through the real pipeline, tracker,
 * store and people core; only the face engine is a stub that returns the faces a test asks for.
 * Descriptors are chosen so that frame-by-frame clustering alone would get the people wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { People } from '../../src/people/index.js';
import type { AnalyzedFace } from '../../src/daemon/pipeline.js';
import { stubPipeline } from '../daemon/stub-pipeline.js';

const centre = (k: number) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(k * 97 + i * 1.3) * 0.12);

/** A face of descriptor k at x; h px high (the gate's minimum is 40 by default). */
const face = (k: number, x: number, h = 60, sharpness = 100): AnalyzedFace => ({
  box: { x, y: 10, width: h * 0.8, height: h },
  score: 0.95,
  descriptor: centre(k),
  quality: { height: h, eyeDistance: h / 3, sharpness, yaw: 0 },
});

async function open(dir?: string) {
  const o = await stubPipeline({ ...(dir === undefined ? {} : { dir }), yaml: 'quality:\n  minSharpness: 10\n', width: 640, height: 360 });
  const close = async () => {
    await o.people.save();
    await o.store.close();
  };
  return { ...o, close };
}

type Opened = Awaited<ReturnType<typeof open>>;

/** Person id per face, by frame: [[person of face 0, person of face 1...], ...]. */
async function personByFrame(o: Opened): Promise<number[][]> {
  const rows = await o.store.db.all<{ ts: number; p: number }>('SELECT f.ts, fp.person_id AS p FROM faces f JOIN face_person fp ON fp.face_id = f.id ORDER BY f.ts, f.face_idx');
  const out = new Map<number, number[]>();
  for (const r of rows) (out.get(r.ts) ?? out.set(r.ts, []).get(r.ts)!).push(r.p);
  return [...out.values()];
}

function assertNoFrameHoldsOnePersonTwice(frames: number[][]): void {
  for (const f of frames) assert.equal(new Set(f).size, f.length, `one person holds two faces of one frame: ${f.join(',')}`);
}

async function afterRecluster(o: Opened, people: People = o.people) {
  await people.recluster();
  return personByFrame(o);
}

test('two people side by side with the same descriptor stay two people: live, after a re-cluster, after a restart', async () => {
  const o = await open();
  for (let i = 0; i < 6; i++) await o.run(i, [face(1, 10 + i * 6), face(1, 300 - i * 6)]);
  const live = await personByFrame(o);
  assert.equal(live.length, 6);
  assertNoFrameHoldsOnePersonTwice(live);
  assert.equal(new Set(live.flat()).size, 2, 'each walker is one person across the frames');
  assertNoFrameHoldsOnePersonTwice(await afterRecluster(o));
  await o.close();

  const again = await open(o.dir);
  const after = await afterRecluster(again);
  assertNoFrameHoldsOnePersonTwice(after);
  assert.deepEqual(after, live, 'the same people after a restart and a re-cluster');
  await again.close();
});

test('a track whose faces are all too small is a person of its own, identified: false, never merged with a look-alike', async () => {
  const o = await open();
  // Two small faces (20 px, under the gate) with one descriptor, far apart; and one good face.
  for (let i = 0; i < 5; i++) await o.run(i, [face(2, 20, 20), face(2, 400, 20), face(3, 200, 80)]);
  const check = async () => {
    const list = await o.store.people.list();
    assert.deepEqual(list.map((p) => [p.faces, p.tracks, p.identified]).sort(), [[5, 1, false], [5, 1, false], [5, 1, true]]);
  };
  await check();
  assert.equal(o.people.size, 5, 'only the good faces are indexed');
  await o.people.recluster();
  await check();
  await o.close();
});

test('faces under the gate follow their track\'s person without being indexed', async () => {
  const o = await open();
  // One walker: sharp faces, then blurred ones (under minSharpness), then sharp again, one track.
  for (let i = 0; i < 9; i++) await o.run(i, [face(4, 10 + i * 5, 60, i >= 3 && i < 6 ? 1 : 100)]);
  const frames = await personByFrame(o);
  assert.equal(frames.length, 9, 'every face, blurred ones too, has a person');
  assert.equal(new Set(frames.flat()).size, 1);
  const [p] = await o.store.people.list();
  assert.deepEqual([p!.faces, p!.tracks, p!.identified], [9, 1, true]);
  assert.equal(o.people.size, 6);
  await o.close();
});
