/**
 * A real pipeline (store, tracks, people core) over a stub face engine that returns the faces a
 * test asks for: the setup the pipeline, tracks and video-constraint tests share.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { openPeople } from '../../src/people/index.js';
import { isClusterable, qualityScore } from '../../src/faces/quality.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { Pipeline, type AnalyzedFace, type TrackedFrame } from '../../src/daemon/pipeline.js';

export interface StubOptions {
  /** Storage folder (default a new temporary one): the same one again is a restart. */
  dir?: string;
  /** Extra YAML appended to the config (e.g. a quality section). */
  yaml?: string;
  /** Frame size (default 320x180). */
  width?: number;
  height?: number;
}

export async function stubPipeline(opts: StubOptions = {}) {
  const dir = opts.dir ?? join(mkdtempSync(join(tmpdir(), 'faceidx-stub-')), 'state');
  const config = parseConfig(`storage:\n  dir: ${dir}\ncameras:\n  - {id: cam, url: /x.mp4}\n${opts.yaml ?? ''}`, 'p.yaml', { checkStorage: false });
  const store = await openStore(dir);
  await store.cameras.upsert({ id: 'cam', url: '/x.mp4', kind: 'file' });
  const people = await openPeople({ config, store, log: silentLogger });
  let next: AnalyzedFace[] = [];
  const seen: TrackedFrame[] = [];
  const pipeline = new Pipeline({
    analyzer: { analyze: async () => next },
    store,
    people,
    gate: { isClusterable: (q) => isClusterable(q, config.quality), score: (q) => qualityScore(q, config.quality) },
    config,
    log: silentLogger,
    onStored: (f) => void seen.push(f),
  });
  const height = opts.height ?? 180;
  /** Frame i (every 500 ms) with these faces; `source` makes it a still of a folder. */
  const run = async (i: number, faces: AnalyzedFace[], extra: { width?: number; source?: string } = {}) => {
    next = faces;
    const w = extra.width ?? opts.width ?? 320;
    const frame = { cameraId: 'cam', width: w, height, data: new Uint8Array(w * height * 3).fill(90), ts: 1_000_000 + i * 500, pos: i * 0.5, ...(extra.source ? { source: extra.source, still: true } : {}) };
    assert.equal(await pipeline.processFrame(frame), true);
  };
  return { dir, config, store, people, pipeline, run, seen };
}
