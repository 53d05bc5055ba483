/** The people page: a grid of faces, a page at a time, with filters; pick two to compare and merge; drop a photo to search. */
import { z } from 'zod';
import type { PeoplePageFilter, PersonCard } from '../../store/index.js';
import { count, html, personName, query, when, type Html } from '../html.js';
import { faceImg, layout, pager, type Viewer } from '../layout.js';
import type { WebDeps } from '../deps.js';

const optionalText = z.string().trim().max(200).optional().transform((v) => (v === '' ? undefined : v));

export const peopleQuery = z.object({
  identified: z.enum(['any', 'yes', 'no']).default('any'),
  camera: optionalText,
  since: optionalText,
  until: optionalText,
  label: optionalText,
  sort: z.enum(['faces', 'recent', 'id']).default('faces'),
  all: z.enum(['0', '1']).default('0'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

export type PeopleQuery = z.infer<typeof peopleQuery>;

/** A time from the filter form: ISO 8601, or the form's "2024-05-01T10:00" read as UTC. */
export function parseFormTime(value: string | undefined): number | undefined | 'bad' {
  if (value === undefined) return undefined;
  const v = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}Z` : /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : 'bad';
}

export interface PeopleModel {
  q: PeopleQuery;
  total: number;
  people: PersonCard[];
  pages: number;
  cameras: string[];
  problems: string[];
  minFaces: number;
  /** The shown faces' thumbnails, inlined: the page and its faces come in one response. */
  thumbs: Map<number, Buffer>;
}

export async function loadPeople(deps: WebDeps, q: PeopleQuery): Promise<PeopleModel> {
  const problems: string[] = [];
  const filter: PeoplePageFilter = { sort: q.sort };
  const minFaces = q.all === '1' ? 1 : deps.config.clustering.minFaces;
  filter.minFaces = minFaces;
  if (q.identified !== 'any') filter.identified = q.identified === 'yes';
  if (q.camera) filter.camera = q.camera;
  if (q.label) filter.label = q.label;
  for (const key of ['since', 'until'] as const) {
    const t = parseFormTime(q[key]);
    if (t === 'bad') problems.push(`"${q[key]}" is not a time: use 2024-05-01T10:00 (UTC) or an ISO 8601 time`);
    else if (t !== undefined) filter[key] = t;
  }
  const size = deps.config.serve.pageSize;
  const { total, people } = await deps.store.desk.peoplePage({ ...filter, offset: (q.page - 1) * size, limit: size });
  const cameras = (await deps.store.cameras.list()).map((c) => c.id);
  const thumbs = await deps.store.desk.thumbnails(people.flatMap((p) => (p.faceId === null ? [] : [p.faceId])));
  return { q, total, people, pages: Math.max(1, Math.ceil(total / size)), cameras, problems, minFaces, thumbs };
}

export function personCard(p: PersonCard, pick: boolean, jpeg?: Buffer): Html {
  const name = personName(p.id, p.label);
  return html`<div class="card" data-person="${p.id}">
<a href="/person/${p.id}">${faceImg(p.faceId, name, 'small', jpeg)}</a>
<div class="card-text">${pick ? html`<label class="pick"><input type="checkbox" class="pick-box" value="${p.id}"> ` : ''}<a href="/person/${p.id}">person ${p.id}</a>${pick ? html`</label>` : ''}
${p.label ? html`<span class="label">${p.label}</span>` : ''}
<span class="muted">${count(p.faces, 'face')}, ${count(p.tracks, 'track')}${p.identified ? '' : html`, <span class="lowres">low-res only</span>`}</span>
<span class="muted cams">${p.cameras.join(', ')}</span>
<span class="muted">${when(p.firstSeen)} to ${when(p.lastSeen)}</span></div></div>`;
}

function option(value: string, text: string, current: string | undefined): Html {
  return html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${text}</option>`;
}

export function peopleHtml(m: PeopleModel, viewer: Viewer): string {
  const q = m.q;
  const canReview = viewer.role !== 'read-only';
  const link = (page: number) => `/people${query({ identified: q.identified === 'any' ? undefined : q.identified, camera: q.camera, since: q.since, until: q.until, label: q.label, sort: q.sort === 'faces' ? undefined : q.sort, all: q.all === '1' ? '1' : undefined, page: page === 1 ? undefined : page })}`;
  const filtered = q.identified !== 'any' || q.camera || q.since || q.until || q.label || q.sort !== 'faces' || q.page !== 1;
  const body = html`<h1>People <span class="muted" id="people-total">${m.total}</span></h1>
<form class="filters" method="get" action="/people">
<label>Identified <select name="identified">${option('any', 'all', q.identified)}${option('yes', 'identified', q.identified)}${option('no', 'low-res only', q.identified)}</select></label>
<label>Camera <select name="camera">${option('', 'every camera', q.camera)}${m.cameras.map((c) => option(c, c, q.camera))}</select></label>
<label>Seen from <input type="datetime-local" name="since" value="${q.since ?? ''}"></label>
<label>to <input type="datetime-local" name="until" value="${q.until ?? ''}"></label>
<label>Label <input type="search" name="label" value="${q.label ?? ''}" placeholder="name contains" size="12"></label>
<label>Sort <select name="sort">${option('faces', 'most faces', q.sort)}${option('recent', 'last seen', q.sort)}${option('id', 'id', q.sort)}</select></label>
<label><input type="checkbox" name="all" value="1"${q.all === '1' ? html` checked` : ''}> unconfirmed too (under ${m.minFaces} faces)</label>
<button type="submit">Show</button> <a href="/people">reset</a></form>
${m.problems.map((p) => html`<p class="error">${p}</p>`)}
<p class="muted">Times are UTC. Drop a photo anywhere on this page to search for the faces in it.${canReview ? ' Tick two people to compare them side by side and merge them.' : ''}</p>
${canReview ? html`<p class="merge-bar"><button type="button" id="compare" disabled>Compare the two ticked</button> <span id="picked" class="muted"></span></p>` : ''}
<section id="search-results" hidden></section>
${pager(q.page, m.pages, link)}
<div class="grid" id="people" data-live="${filtered ? 'off' : 'on'}">
${m.people.map((p) => personCard(p, canReview, p.faceId === null ? undefined : m.thumbs.get(p.faceId)))}
</div>
${m.people.length === 0 ? html`<p>No people${filtered ? ' match these filters' : ' yet'}.</p>` : ''}
${pager(q.page, m.pages, link)}`;
  return layout('People', viewer, body, { page: 'people', pick: canReview ? 1 : 0 });
}
