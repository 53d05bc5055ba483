/** The report's "Seen with" and "Route" sections (src/report/together.ts): from the report's own faces, escaped, linked. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { indexReport, type ReportInput } from '../../src/report/model.js';
import { personHtml } from '../../src/report/pages.js';
import { personPageModel } from '../../src/report/person-model.js';
import { togetherHtml, togetherModels } from '../../src/report/together.js';
import type { ReportFace } from '../../src/store/report.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
let nextId = 1;
const face = (personId: number, cameraId: string, ts: number): ReportFace => ({
  id: nextId++, personId, cameraId, ts, framePos: (ts - T0) / 1000, frameIndex: null, source: null,
  box: { x: 0, y: 0, width: 30, height: 30 }, quality: 50, clusterable: true, hasThumbnail: true, trackId: null,
});

function input(faces: ReportFace[]): ReportInput {
  return {
    generatedAt: T0, filter: {}, configPath: '/c.yaml', schema: { tracks: false, identified: false },
    cameras: [{ id: 'hall', url: '/v/hall.mp4', kind: 'file', timeSource: 'mtime' }, { id: 'door', url: 'rtsp://door', kind: 'rtsp', timeSource: 'receive' }],
    people: [{ id: 1, label: null, identified: null }, { id: 2, label: '<b>Bo</b>', identified: null }, { id: 3, label: null, identified: null }],
    faces: [...faces].sort((a, b) => a.ts - b.ts), neighbours: new Map(),
  };
}

test('each person page says who was seen with them and their route', async () => {
  const faces = [
    face(1, 'hall', T0), face(2, 'hall', T0), face(1, 'hall', T0 + 4000), face(2, 'hall', T0 + 6000), // together in the hall (one shared frame)
    face(1, 'door', T0 + 60_000), face(3, 'door', T0 + 600_000), // door: 1 then 3, nine minutes apart
  ];
  const ix = indexReport(input(faces));
  const models = await togetherModels(ix, 10_000, 300_000);
  const one = models.get(1)!;
  assert.deepEqual(one.companions.map((c) => [c.id, c.times, c.sameFrames, c.cameras]), [[2, 1, 1, ['hall']]]);
  assert.deepEqual(one.legs.map((l) => [l.camera, l.faces, l.position, l.sincePrevious]), [['hall', 2, '00:00:00.000', null], ['door', 1, 'live', 56_000]]);
  assert.deepEqual(models.get(3)!.companions, [], 'nine minutes apart is not together');
  const m = personPageModel(ix, 1)!;
  m.together = one;
  const html = personHtml(m);
  assert.match(html, /<h2>Seen with<\/h2>/);
  assert.match(html, /<a href="\.\.\/person\/2\.html">2<\/a>/);
  assert.match(html, /&lt;b&gt;Bo&lt;\/b&gt;/);
  assert.ok(!html.includes('<b>Bo</b>'));
  assert.match(html, /<table id="route">[\s\S]*hall[\s\S]*door[\s\S]*56 s later/);
  assert.match(togetherHtml({ windowMs: 0, companions: [], legs: [] }, '../'), /in the same frame[\s\S]*Nobody\.[\s\S]*No sightings\./);
});
