/**
 * The "Seen with" and "Route" sections of a report's person page: the people seen together
 * with the person and their route across cameras (src/investigate), from the faces the report
 * already holds (so a filtered report counts only what it shows). Model and template, pure.
 */
import { companionsOf, legPosition, MemorySightings, routeOf, type FullSighting } from '../investigate/index.js';
import { esc, img, link, utc } from './html.js';
import type { FaceRef, ReportIndex } from './model.js';

export interface TogetherModel {
  windowMs: number;
  companions: Array<{
    id: number;
    href: string;
    label: string | null;
    best: FaceRef | null;
    times: number;
    sameFrames: number;
    cameras: string[];
    moments: Array<{ camera: string; cameraHref: string; start: number; end: number; sameFrames: number }>;
  }>;
  legs: Array<{ camera: string; cameraHref: string; start: number; end: number; faces: number; position: string; sincePrevious: number | null }>;
}

/** Moments listed per companion on the page (the CLI lists them all). */
const MAX_MOMENTS = 10;

function seconds(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Seen with and route for every person of the report. */
export async function togetherModels(ix: ReportIndex, windowMs: number, gapMs: number): Promise<Map<number, TogetherModel>> {
  const sightings: FullSighting[] = [];
  for (const [personId, faces] of ix.facesByPerson) {
    if (!ix.people.has(personId)) continue;
    for (const f of faces) sightings.push({ faceId: f.id, personId, cameraId: f.cameraId, ts: f.ts, framePos: f.framePos });
  }
  const source = new MemorySightings(sightings);
  const camHref = (id: string) => ix.cameraById.get(id)?.href ?? '';
  const out = new Map<number, TogetherModel>();
  for (const id of ix.people.keys()) {
    const companions = (await companionsOf(source, id, windowMs)).flatMap((c) => {
      const p = ix.people.get(c.personId);
      if (!p) return [];
      const moments = c.moments.slice(0, MAX_MOMENTS).map((m) => ({ camera: m.camera, cameraHref: camHref(m.camera), start: m.start, end: m.end, sameFrames: m.sameFrames }));
      return [{ id: p.id, href: p.href, label: p.label, best: p.best, times: c.moments.length, sameFrames: c.sameFrames, cameras: c.cameras, moments }];
    });
    const legs = routeOf(await source.sightingsOf(id), gapMs).map((l) => ({
      camera: l.camera, cameraHref: camHref(l.camera), start: l.start, end: l.end, faces: l.faces,
      position: legPosition(ix.cameraById.get(l.camera)?.kind, l.firstPos), sincePrevious: l.sincePrevious,
    }));
    out.set(id, { windowMs, companions, legs });
  }
  return out;
}

/** The two sections; `root` leads back to the report folder. */
export function togetherHtml(m: TogetherModel, root: string): string {
  const within = m.windowMs === 0 ? 'in the same frame' : `on the same camera within ${seconds(m.windowMs)}`;
  const people = m.companions
    .map((c) => `<tr><td>${link(root + c.href, c.id)}</td><td>${img(root, c.best, `person ${c.id}`)}</td><td>${esc(c.label ?? '')}</td><td class="n">${c.times}</td><td class="n">${c.sameFrames}</td>` +
      `<td>${esc(c.cameras.join(', '))}</td><td>${c.moments.map((mo) => `${link(root + mo.cameraHref, mo.camera)} ${esc(utc(mo.start))} to ${esc(utc(mo.end))} (${mo.sameFrames} frames together)`).join('<br>')}` +
      `${c.times > c.moments.length ? `<br>and ${c.times - c.moments.length} more` : ''}</td></tr>`)
    .join('\n');
  const legs = m.legs
    .map((l, i) => `<tr><td class="n">${i + 1}</td><td>${link(root + l.cameraHref, l.camera)}</td><td>${esc(utc(l.start))}</td><td>${esc(utc(l.end))}</td><td class="n">${l.faces}</td><td>${esc(l.position)}</td>` +
      `<td>${l.sincePrevious === null ? '-' : l.sincePrevious < 0 ? `overlaps by ${seconds(l.sincePrevious)}` : `${seconds(l.sincePrevious)} later`}</td></tr>`)
    .join('\n');
  return `<h2>Seen with</h2>
<p class="muted">People seen ${esc(within)}, most often first (times: separate moments together).</p>
${people ? `<table id="seen-with"><tr><th>person</th><th>face</th><th>label</th><th>times</th><th>frames together</th><th>cameras</th><th>moments</th></tr>\n${people}</table>` : '<p>Nobody.</p>'}
<h2>Route</h2>
${legs ? `<table id="route"><tr><th>#</th><th>camera</th><th>from</th><th>to</th><th>faces</th><th>in footage</th><th>after the previous</th></tr>\n${legs}</table>` : '<p>No sightings.</p>'}`;
}
