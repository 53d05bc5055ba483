/**
 * A person's page: label, best face of each track (with "not this person" on the face or the
 * track, and "watch" from the face), the route across cameras, who was seen with them, a
 * timeline per camera, candidate merges and every sighting with its footage time.
 */
import { routeOf, seenWith, searchRanges, cameraSequence, legPosition, type Companion, type Leg, type Sighting } from '../../investigate/index.js';
import { footagePosition } from '../../report/model.js';
import { timelineSvg } from '../../report/html.js';
import type { TimelineModel } from '../../report/person-model.js';
import type { FacePageRow, PersonSummary, TrackRow } from '../../store/index.js';
import { shortDuration } from '../../cli/output.js';
import { candidateMerges } from '../candidates.js';
import type { WebDeps } from '../deps.js';
import { count, html, personName, trusted, when, type Html } from '../html.js';
import { faceImg, layout, pager, type Viewer } from '../layout.js';

export const SIGHTINGS_PER_PAGE = 100;
const MAX_BEST = 24;
const MAX_COMPANIONS = 20;

export interface PersonModel {
  person: PersonSummary;
  best: TrackRow[];
  legs: Leg[];
  companions: Companion[];
  timeline: TimelineModel;
  faces: FacePageRow[];
  total: number;
  page: number;
  kinds: Map<string, string>;
  labels: Map<number, string>;
  shown: Map<number, number>;
  windowMs: number;
}

export function timelineOf(sightings: readonly Sighting[]): TimelineModel {
  const rows = new Map<string, number[]>();
  for (const s of sightings) (rows.get(s.cameraId) ?? rows.set(s.cameraId, []).get(s.cameraId)!).push(s.ts);
  return {
    start: sightings[0]?.ts ?? 0,
    end: sightings[sightings.length - 1]?.ts ?? 0,
    rows: [...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([camera, times]) => ({ camera, times: times.sort((a, b) => a - b) })),
  };
}

/** The page's data, or where a merged id went, or undefined for an unknown id. */
export async function loadPerson(deps: WebDeps, id: number, page: number): Promise<PersonModel | { movedTo: number } | undefined> {
  const { store, config } = deps;
  const target = await store.people.resolve(id);
  if (target === undefined) return undefined;
  if (target !== id) return { movedTo: target };
  const person = await store.people.get(id);
  if (!person) return undefined;
  const sightings = await store.desk.sightingsOf(id);
  const windowMs = config.investigate.seenWithWindow;
  const near: Sighting[] = [];
  for (const r of searchRanges(sightings, windowMs)) near.push(...(await store.desk.othersOnCamera(r.camera, r.from, r.to, id)));
  const companions = seenWith(sightings, near, windowMs).slice(0, MAX_COMPANIONS);
  const tracks = await store.tracks.byPerson(id);
  const best = tracks.filter((t) => t.bestFaceId !== null).sort((a, b) => b.quality - a.quality || a.firstTs - b.firstTs).slice(0, MAX_BEST).sort((a, b) => a.firstTs - b.firstTs);
  const { total, faces } = await store.desk.facesOfPerson(id, (page - 1) * SIGHTINGS_PER_PAGE, SIGHTINGS_PER_PAGE);
  const others = companions.map((c) => c.personId);
  return {
    person, best, companions, faces, total, page, windowMs,
    legs: routeOf(sightings, config.investigate.visitGap),
    timeline: timelineOf(sightings),
    kinds: new Map((await store.cameras.list()).map((c) => [c.id, c.kind] as const)),
    labels: await store.desk.labels(others),
    shown: await store.desk.shownFaces(others),
  };
}

function camLink(camera: string): Html {
  return html`<a href="/camera/${encodeURIComponent(camera)}">${camera}</a>`;
}

function bestHtml(m: PersonModel, canReview: boolean): Html {
  const p = m.person;
  return html`<div class="faces">${m.best.map((t) => html`<figure data-face="${t.bestFaceId}" data-track="${t.id}">
${faceImg(t.bestFaceId, `face ${t.bestFaceId}`, 'large')}
<figcaption>face ${t.bestFaceId}, ${camLink(t.cameraId)}, track ${t.id} (${count(t.faces, 'face')})<br>${when(t.firstTs)}
${canReview ? html`<br><button type="button" data-action="not" data-face="${t.bestFaceId}" data-person="${p.id}" title="this face (and its track) is someone else">Not this person</button>
<button type="button" data-action="not-track" data-track="${t.id}" data-person="${p.id}" title="every face of this track is someone else">Not this track</button>
<button type="button" data-action="watch" data-face="${t.bestFaceId}" title="raise an alert whenever a camera sees this face again">Watch</button>` : ''}
</figcaption></figure>`)}</div>`;
}

function routeHtml(m: PersonModel): Html {
  if (m.legs.length === 0) return html`<p>No sightings.</p>`;
  const seq = cameraSequence(m.legs);
  return html`<p>${seq.join(' → ')}</p>
<table id="route"><tr><th>#</th><th>face</th><th>camera</th><th>from</th><th>to</th><th>for</th><th>faces</th><th>in footage</th><th>after the previous</th></tr>
${m.legs.map((l, i) => html`<tr><td class="n">${i + 1}</td><td>${faceImg(l.firstFaceId, `face ${l.firstFaceId}`)}</td><td>${camLink(l.camera)}</td><td>${when(l.start)}</td><td>${when(l.end)}</td>
<td>${shortDuration(l.end - l.start)}</td><td class="n">${l.faces}</td><td>${legPosition(m.kinds.get(l.camera), l.firstPos)}</td>
<td>${l.sincePrevious === null ? '-' : l.sincePrevious < 0 ? `overlaps by ${shortDuration(-l.sincePrevious)}` : shortDuration(l.sincePrevious)}${l.moved ? ' (moved)' : ''}</td></tr>`)}
</table>`;
}

function companionsHtml(m: PersonModel): Html {
  const windowText = m.windowMs === 0 ? 'in the same frame' : `on the same camera within ${shortDuration(m.windowMs)}`;
  if (m.companions.length === 0) return html`<p>Nobody else was seen ${windowText}.</p>`;
  return html`<p class="muted">People seen ${windowText}, most often first. Two people in one frame are never one person.</p>
<table id="seen-with"><tr><th>face</th><th>person</th><th>label</th><th>times</th><th>frames together</th><th>cameras</th><th>moments</th></tr>
${m.companions.map((c) => html`<tr data-person="${c.personId}"><td>${faceImg(m.shown.get(c.personId) ?? null, `person ${c.personId}`)}</td><td><a href="/person/${c.personId}">${c.personId}</a></td>
<td>${m.labels.get(c.personId) ?? ''}</td><td class="n">${c.moments.length}</td><td class="n">${c.sameFrames}</td><td>${c.cameras.join(', ')}</td>
<td><ul class="moments">${c.moments.slice(0, 10).map((mo) => html`<li>${camLink(mo.camera)} ${when(mo.start)} to ${when(mo.end)}: ${count(mo.sameFrames, 'frame')} together
<span class="pair">${faceImg(mo.faceId, `face ${mo.faceId}`)}${faceImg(mo.otherFaceId, `face ${mo.otherFaceId}`)}</span></li>`)}
${c.moments.length > 10 ? html`<li class="muted">and ${c.moments.length - 10} more (faceidx seen-with ${m.person.id})</li>` : ''}</ul></td></tr>`)}
</table>`;
}

/** Filled in by the page's script from /api/candidates/<id>: comparing with every stored face takes a while on a large store. */
function candidatesHtml(m: PersonModel): Html {
  return html`<p class="muted">Mean distance over pairs of their best faces: the same person on two cameras measured 0.43-0.45 on the sample clips, different people 0.65-0.8.</p>
<div id="candidates" data-person="${m.person.id}"><p class="muted">Comparing with every stored face...</p></div>`;
}

/** The candidates as the page's script shows them. */
export async function loadCandidates(deps: WebDeps, id: number): Promise<Array<{ personId: number; label: string | null; distance: number; faceId: number | null }>> {
  const found = await candidateMerges(deps.store, id);
  const ids = found.map((c) => c.personId);
  const labels = await deps.store.desk.labels(ids);
  const shown = await deps.store.desk.shownFaces(ids);
  return found.map((c) => ({ ...c, label: labels.get(c.personId) ?? null, faceId: shown.get(c.personId) ?? null }));
}

function sightingsHtml(m: PersonModel, canReview: boolean): Html {
  const pages = Math.max(1, Math.ceil(m.total / SIGHTINGS_PER_PAGE));
  const nav = pager(m.page, pages, (n) => `/person/${m.person.id}${n === 1 ? '' : `?page=${n}`}#sightings`);
  return html`${nav}<table id="sightings"><tr><th>face</th><th>id</th><th>camera</th><th>in footage</th><th>frame</th><th>time (UTC)</th><th>track</th><th></th>${canReview ? html`<th></th>` : ''}</tr>
${m.faces.map((f) => html`<tr data-face="${f.id}"><td>${faceImg(f.hasThumbnail ? f.id : null, `face ${f.id}`)}</td><td class="n">${f.id}</td><td>${camLink(f.cameraId)}</td>
<td>${footagePosition(f, m.kinds.get(f.cameraId))}</td><td class="n">${f.frameIndex ?? ''}</td><td>${when(f.ts)}</td><td class="n">${f.trackId ?? ''}</td><td>${f.clusterable ? '' : 'below gate'}</td>
${canReview ? html`<td><button type="button" class="small" data-action="not" data-face="${f.id}" data-person="${m.person.id}">Not this person</button></td>` : ''}</tr>`)}
</table>${nav}`;
}

export function personHtml(m: PersonModel, viewer: Viewer): string {
  const p = m.person;
  const canReview = viewer.role !== 'read-only';
  const body = html`<h1>${personName(p.id, p.label)}</h1>
<p>${count(p.faces, 'face')} in ${count(p.tracks, 'track')} on ${p.cameras.map((c, i) => html`${i ? ', ' : ''}${camLink(c)}`)}; first seen ${when(p.firstSeen)}, last seen ${when(p.lastSeen)} (UTC)${p.identified ? '' : '; seen only at low resolution'}.</p>
${canReview ? html`<form class="inline" data-api="label" data-person="${p.id}"><label>Label <input name="name" value="${p.label ?? ''}" maxlength="200" size="24"></label> <button type="submit">Save</button></form>` : ''}
${viewer.role === 'admin' ? html` <button type="button" class="danger" data-action="forget" data-person="${p.id}">Forget this person</button>` : ''}
<h2>Best face of each track</h2>${bestHtml(m, canReview)}
<h2>Route</h2>${routeHtml(m)}
<h2>Seen with</h2>${companionsHtml(m)}
<h2>Timeline per camera</h2>${trusted(timelineSvg(m.timeline))}
<h2>Candidate merges</h2>${candidatesHtml(m)}
<h2 id="sightings-head">Sightings (${m.total})</h2>${sightingsHtml(m, canReview)}`;
  return layout(personName(p.id, p.label), viewer, body, { page: 'person', person: p.id });
}
