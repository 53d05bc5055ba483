/** Two people side by side before a merge: their best faces, counts, cameras, how far apart their faces are, and whether they ever shared a frame. */
import { seenWith } from '../../investigate/index.js';
import { meanPairDistance } from '../../report/neighbours.js';
import type { PersonSummary } from '../../store/index.js';
import { ReportReader } from '../../store/report.js';
import type { WebDeps } from '../deps.js';
import { count, html, personName, when, type Html } from '../html.js';
import { faceImg, layout, type Viewer } from '../layout.js';

const SHOWN = 8;

export interface CompareModel {
  a: PersonSummary;
  b: PersonSummary;
  facesA: number[];
  facesB: number[];
  distance: number | null;
  /** Frames that show both: two faces of one frame are two people. */
  sameFrames: number;
}

export async function loadCompare(deps: WebDeps, a: number, b: number): Promise<CompareModel | string> {
  const { store } = deps;
  const [ra, rb] = [await store.people.resolve(a), await store.people.resolve(b)];
  if (ra === undefined || rb === undefined) return `no person ${ra === undefined ? a : b}`;
  if (ra === rb) return `person ${a} and person ${b} are already one person (${ra})`;
  const pa = await store.people.get(ra);
  const pb = await store.people.get(rb);
  if (!pa || !pb) return `no person ${pa ? rb : ra}`;
  const reader = new ReportReader(store.db);
  const vectors = async (id: number) => [...(await reader.descriptors(await store.desk.sampleFaces(id, SHOWN))).values()];
  const [va, vb] = [await vectors(ra), await vectors(rb)];
  const together = seenWith(await store.desk.sightingsOf(ra), await store.desk.sightingsOf(rb), 0);
  return {
    a: pa, b: pb,
    facesA: await store.desk.sampleFaces(ra, SHOWN, true),
    facesB: await store.desk.sampleFaces(rb, SHOWN, true),
    distance: va.length && vb.length ? meanPairDistance(va, vb) : null,
    sameFrames: together[0]?.sameFrames ?? 0,
  };
}

function side(p: PersonSummary, faces: readonly number[]): Html {
  return html`<div class="side" data-person="${p.id}"><h2><a href="/person/${p.id}">${personName(p.id, p.label)}</a></h2>
<p>${count(p.faces, 'face')}, ${count(p.tracks, 'track')}${p.identified ? '' : ', seen only at low resolution'}<br>cameras: ${p.cameras.join(', ')}<br>${when(p.firstSeen)} to ${when(p.lastSeen)}</p>
<div class="faces">${faces.map((f) => html`<figure>${faceImg(f, `face ${f}`, 'large')}<figcaption>face ${f}</figcaption></figure>`)}</div></div>`;
}

export function compareHtml(m: CompareModel, viewer: Viewer): string {
  const canMerge = viewer.role !== 'read-only';
  const verdict = m.distance === null ? 'no descriptors to compare' : `mean distance between their best faces ${m.distance.toFixed(3)} (the same person on two cameras measured 0.43-0.45 on the sample clips, different people 0.65-0.8)`;
  const body = html`<h1>Compare person ${m.a.id} and person ${m.b.id}</h1>
<p id="verdict">${verdict}.</p>
${m.sameFrames > 0 ? html`<p class="error" id="same-frame">These two were seen in the same frame ${count(m.sameFrames, 'time')}: two faces of one frame are two different people.</p>` : ''}
<div class="compare">${side(m.a, m.facesA)}${side(m.b, m.facesB)}</div>
${canMerge ? html`<p class="actions"><button type="button" data-action="merge" data-a="${m.a.id}" data-b="${m.b.id}">Merge person ${m.b.id} into person ${m.a.id}</button>
<button type="button" data-action="merge" data-a="${m.b.id}" data-b="${m.a.id}">Merge person ${m.a.id} into person ${m.b.id}</button>
<a href="/people">Cancel</a></p><p class="muted">A merge is recorded in the audit log and can be undone there.</p>` : ''}`;
  return layout(`Compare ${m.a.id} and ${m.b.id}`, viewer, body, { page: 'compare' });
}
