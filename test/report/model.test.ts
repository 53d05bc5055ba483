/** The report's pure page models and templates: counts, optional tracks/identified, paging, escaping, candidate merges. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { footagePosition, indexReport, overviewModel, peopleModel, type ReportInput } from '../../src/report/model.js';
import { meanPairDistance, nearestPeople } from '../../src/report/neighbours.js';
import { cameraHtml, overviewHtml, peopleHtml, personHtml } from '../../src/report/pages.js';
import { CSP, img, inlineStyles } from '../../src/report/html.js';
import { cameraSlug, PEOPLE_SCRIPT_FILE } from '../../src/report/paths.js';
import { cameraPageModels, personPageModel } from '../../src/report/person-model.js';
import type { ReportFace } from '../../src/store/report.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
let nextId = 1;
function face(personId: number | null, cameraId: string, ts: number, over: Partial<ReportFace> = {}): ReportFace {
  return {
    id: nextId++, personId, cameraId, ts, framePos: (ts - T0) / 1000, frameIndex: Math.round(((ts - T0) / 1000) * 12), source: `/v/${cameraId}.mp4`,
    box: { x: 1, y: 2, width: 30, height: 30 }, quality: 50, clusterable: true, hasThumbnail: true, trackId: null, ...over,
  };
}

function input(faces: ReportFace[], over: Partial<ReportInput> = {}): ReportInput {
  return {
    generatedAt: T0, filter: {}, configPath: '/etc/faceidx/config.yaml', schema: { tracks: false, identified: false },
    cameras: [{ id: 'hall', url: '/v/hall.mp4', kind: 'file', timeSource: 'creation_time' }, { id: 'door', url: 'rtsp://cam/door', kind: 'rtsp', timeSource: 'receive' }],
    people: [{ id: 1, label: 'Al', identified: null }, { id: 2, label: null, identified: null }, { id: 3, label: 'never seen', identified: null }],
    faces: [...faces].sort((a, b) => a.ts - b.ts), neighbours: new Map(), ...over,
  };
}

describe('report page models', () => {
  test('overview: cameras with the footage time they cover, faces below the gate, people', () => {
    const faces = [face(1, 'hall', T0), face(1, 'hall', T0 + 5000), face(2, 'door', T0 + 1000), face(null, 'hall', T0 + 2000, { clusterable: false })];
    const ix = indexReport(input(faces));
    const o = overviewModel(ix);
    assert.deepEqual(o.cameras.map((c) => [c.id, c.from, c.to, c.faces, c.belowGate, c.people, c.timeSource]), [
      ['door', T0 + 1000, T0 + 1000, 1, 0, 1, 'receive'],
      ['hall', T0, T0 + 5000, 3, 1, 1, 'creation_time'],
    ]);
    assert.deepEqual(o.people, { total: 2, identified: 0, lowResolution: 0, unmarked: 2 }, 'person 3 has no face in the report');
    assert.deepEqual(o.faces, { total: 4, belowGate: 1, unassigned: 1 });
    assert.deepEqual(peopleModel(ix).map((p) => [p.id, p.faces, p.cameras]), [[1, 2, ['hall']], [2, 1, ['door']]]);
  });

  test('with identified and tracks: the low-resolution split, one best face per track, track counts', () => {
    const faces = [
      face(1, 'hall', T0, { trackId: 7, quality: 10 }), face(1, 'hall', T0 + 250, { trackId: 7, quality: 90 }),
      face(1, 'hall', T0 + 9000, { trackId: 8, quality: 20 }), face(2, 'hall', T0 + 100, { trackId: 9, clusterable: false }),
    ];
    const people = [{ id: 1, label: null, identified: true }, { id: 2, label: null, identified: false }];
    const ix = indexReport(input(faces, { schema: { tracks: true, identified: true }, people }));
    assert.deepEqual(overviewModel(ix).people, { total: 2, identified: 1, lowResolution: 1, unmarked: 0 });
    const page = personPageModel(ix, 1)!;
    assert.deepEqual(page.best.map((b) => [b.trackId, b.faceId]), [[7, faces[1]!.id], [8, faces[2]!.id]]);
    assert.equal(page.person.tracks, 2);
    assert.match(page.best[0]!.notCommand, new RegExp(`^faceidx not ${faces[1]!.id} 1 --config /etc/faceidx/config.yaml$`));
    assert.match(peopleHtml(peopleModel(ix), true, true), /low resolution only/);
  });

  test('footage position: hh:mm:ss.mmm for files, the image name for folders, live for streams', () => {
    assert.equal(footagePosition({ framePos: 3723.25, source: '/v/a.mp4' }, 'file'), '01:02:03.250');
    assert.equal(footagePosition({ framePos: 4, source: '/imgs/IMG_0042.jpg' }, 'folder'), 'IMG_0042.jpg');
    assert.equal(footagePosition({ framePos: 12, source: null }, 'rtsp'), 'live');
  });

  test('a person with 1,200 sightings gets three pages of at most 500; a camera page lists visits in time order', () => {
    const faces = Array.from({ length: 1200 }, (_, i) => face(1, 'hall', T0 + i * 1000));
    faces.push(face(2, 'hall', T0 + 400_500), face(2, 'hall', T0 + 2_000_000));
    const ix = indexReport(input(faces));
    const pages = [1, 2, 3].map((n) => personPageModel(ix, 1, n)!);
    assert.deepEqual(pages.map((p) => [p.sightings.length, p.pages]), [[500, 3], [500, 3], [200, 3]]);
    assert.equal(pages[1]!.sightings[0]!.position, '00:08:20.000');
    assert.match(personHtml(pages[1]!), /href="..\/person\/1-p3.html"/);
    const [cam] = cameraPageModels(ix, 'hall');
    assert.deepEqual(cam!.visits.map((v) => [v.person, v.start, v.faces]), [[1, T0, 1200], [2, T0 + 400_500, 1], [2, T0 + 2_000_000, 1]]);
  });

  test('every text is escaped: labels, camera ids, urls', () => {
    const evil = '<script>alert("x")</script>&';
    const faces = [face(1, evil, T0), face(2, evil, T0 + 1)];
    const ix = indexReport(
      input(faces, {
        cameras: [{ id: evil, url: `/v/${evil}.mp4`, kind: 'file', timeSource: null }],
        people: [{ id: 1, label: evil, identified: null }, { id: 2, label: "O'Brien", identified: null }],
        neighbours: new Map([[1, [{ personId: 2, distance: 0.5 }]]]),
      }),
    );
    const html = [overviewHtml(overviewModel(ix)), peopleHtml(peopleModel(ix), false, false), personHtml(personPageModel(ix, 1)!), cameraHtml(cameraPageModels(ix, evil)[0]!)];
    for (const page of html) {
      assert.ok(!page.includes('<script>alert'), page);
      assert.ok(page.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
    }
    assert.match(html[2]!, /faceidx merge 1 2 --config/);
    assert.ok(html[1]!.includes('O&#39;Brien'));
  });

  test('no inline script: the policy allows only the report\'s script files, and every page keeps to it', () => {
    const scriptSrc = /script-src ([^;]*)/.exec(CSP)?.[1] ?? '';
    assert.ok(scriptSrc && !scriptSrc.includes("'unsafe-inline'") && !scriptSrc.includes('data:'), CSP);
    const faces = [face(1, 'hall', T0), face(2, 'door', T0 + 1)];
    const ix = indexReport(input(faces, { neighbours: new Map([[1, [{ personId: 2, distance: 0.5 }]]]) }));
    const html = [overviewHtml(overviewModel(ix)), peopleHtml(peopleModel(ix), false, false), personHtml(personPageModel(ix, 1)!), cameraHtml(cameraPageModels(ix, 'hall')[0]!)];
    for (const page of html) {
      assert.ok(page.includes(`content="${CSP.replace(/'/g, '&#39;')}"`), 'the page carries the policy');
      for (const tag of page.match(/<script[^>]*>[^<]*<\/script>/g) ?? []) assert.match(tag, /^<script src="[^":]+"><\/script>$/, 'a script file of the report, with no inline code');
      assert.ok(!/\son[a-z]+=/i.test(page), 'no inline event handler');
    }
    assert.ok(html[1]!.includes(`<script src="${PEOPLE_SCRIPT_FILE}"></script>`), 'the people page loads its script file');
  });

  test('an inlined face is one style rule per page however often it is shown; nothing but base64 JPEG gets into the style', () => {
    const a = { faceId: 7, img: 'data:image/jpeg;base64,QUJD' };
    const evil = { faceId: 8, img: 'data:image/jpeg;base64,x)}body{display:none' };
    assert.equal(inlineStyles([a, { ...a }, evil, null]), '.i7{background-image:url(data:image/jpeg;base64,QUJD)}');
    assert.equal(img('../', a, 'face <7>'), '<span class="face i7" role="img" aria-label="face &lt;7&gt;"></span>');
    assert.match(img('../', { faceId: 9, img: 'img/9.jpg' }, 'x'), /<img class="face" loading="lazy" src="..\/img\/9.jpg"/);
  });

  test('camera slugs are file-name safe and distinct', () => {
    assert.equal(cameraSlug('../etc/passwd', 1), '1-_etc_passwd');
    assert.notEqual(cameraSlug('a b', 1), cameraSlug('a?b', 2));
  });
});

describe('candidate merges', () => {
  test('the nearest person by mean pair distance, closest first', () => {
    const v = (...xs: number[]) => Float32Array.from(xs);
    const samples = new Map([
      [1, [v(0, 0), v(0, 0.2)]],
      [2, [v(0.3, 0), v(0.3, 0.2)]],
      [3, [v(5, 5)]],
    ]);
    const near = nearestPeople(samples, 2);
    assert.deepEqual(near.get(1)!.map((n) => n.personId), [2, 3]);
    assert.ok(Math.abs(near.get(1)![0]!.distance - meanPairDistance(samples.get(1)!, samples.get(2)!)) < 1e-9);
    assert.ok(Math.abs(meanPairDistance([v(0, 0)], [v(3, 4)]) - 5) < 1e-9);
  });
});
