/**
 * A camera with `loop: true`: every sighting keeps its offset within the file and the pass it
 * came from, so `faceidx export --person` re-reads every frame, not only the first pass's. The
 * real file feed and store; the face engine is a stub (one face per frame, one identity).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { Pipeline } from '../../src/daemon/pipeline.js';
import { isClusterable, qualityScore } from '../../src/faces/quality.js';
import { silentLogger } from '../../src/log/logger.js';
import { openPeople } from '../../src/people/index.js';
import type { Manifest } from '../../src/report/manifest.js';
import { openStore } from '../../src/store/index.js';
import { camera, collect, feed, FEMALE } from '../feed/helpers.js';
import { cli, writeConfig } from '../cli/fixture.js';

const root = mkdtempSync(join(tmpdir(), 'faceidx-loop-'));
after(() => rmSync(root, { recursive: true, force: true }));
/** The female clip: 1.917 s at 12 fps. */
const CLIP_SEC = 23 / 12;

test('issue 21: loop: true stores the offset within the file and the pass; export --person re-reads every sighting', { timeout: 60_000 }, async () => {
  const f = feed(camera({ id: 'cam', url: FEMALE, fps: 1, loop: true }), { maxQueue: 4 });
  f.start();
  const frames = await collect(f, { max: 6 });
  await f.stop();
  const passes = frames.map((x) => x.loop ?? 0);
  assert.ok(Math.max(...passes) >= 2, `passes seen: ${passes.join(',')}`);
  for (const x of frames) {
    assert.ok(x.sourcePos! >= 0 && x.sourcePos! < CLIP_SEC, `offset ${x.sourcePos} within the ${CLIP_SEC} s file`);
    assert.ok(Math.abs(x.pos - (x.loop! * CLIP_SEC + x.sourcePos!)) < 1e-3, `pos ${x.pos} = pass ${x.loop} x ${CLIP_SEC} + ${x.sourcePos}`);
  }
  assert.ok(frames.every((x, i) => i === 0 || x.ts > frames[i - 1]!.ts), 'times keep growing across passes');

  const dir = join(root, 'state');
  const config = parseConfig(`storage:\n  dir: ${dir}\ncameras:\n  - {id: cam, url: ${FEMALE}, loop: true}\n`, 'l.yaml', { checkStorage: false });
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'cam', url: FEMALE, kind: 'file' });
  const people = await openPeople({ config, store, log: silentLogger });
  const descriptor = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i) * 0.1);
  const pipeline = new Pipeline({
    analyzer: { analyze: async () => [{ box: { x: 200, y: 40, width: 60, height: 80 }, score: 0.95, descriptor, quality: { height: 80, eyeDistance: 25, sharpness: 100, yaw: 0 } }] },
    store, people,
    gate: { isClusterable: (q) => isClusterable(q, config.quality), score: (q) => qualityScore(q, config.quality) },
    config, log: silentLogger,
  });
  for (const x of frames) assert.equal(await pipeline.processFrame(x), true);
  await pipeline.drain();
  const rows = await store.db.all<{ framePos: number; loop: number | null }>('SELECT frame_pos AS "framePos", source_loop AS "loop" FROM faces ORDER BY ts');
  assert.deepEqual(rows.map((r) => [r.framePos, r.loop]), frames.map((x) => [x.sourcePos, x.loop]));
  const [person] = await store.people.list({ minFaces: 1 });
  await store.close();

  const out = join(root, 'evidence');
  const r = await cli('export', '--person', String(person!.id), '--out', out, '--config', writeConfig(root, dir));
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(m.sightings.length, frames.length);
  for (const s of m.sightings) assert.ok(s.frame !== null && s.offset < CLIP_SEC, JSON.stringify(s));
});
