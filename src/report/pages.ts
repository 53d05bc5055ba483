/** Templates: page models -> HTML strings (pure; every text goes through esc). */
import { esc, img, inlineStyles, layout, link, pager, timelineSvg, utc } from './html.js';
import type { OverviewModel, PersonSummary } from './model.js';
import type { CameraPageModel, PersonPageModel } from './person-model.js';
import { PEOPLE_SCRIPT_FILE, cameraHref, personHref } from './paths.js';
import { togetherHtml } from './together.js';

const name = (p: { id: number; label: string | null }): string => `person ${p.id}${p.label ? ` (${p.label})` : ''}`;
const idText = (identified: boolean | null): string => (identified === null ? '' : identified ? 'yes' : 'low resolution only');

export function overviewHtml(m: OverviewModel): string {
  const p = m.people;
  const split = p.unmarked === p.total ? '' : ` (${p.identified} identified, ${p.lowResolution} seen only at low resolution)`;
  const cams = m.cameras
    .map((c) => `<tr><td>${link(c.href, c.id)}</td><td>${esc(c.kind)}</td><td>${esc(c.url)}</td><td>${esc(utc(c.from))}</td><td>${esc(utc(c.to))}</td>` +
      `<td>${esc(c.timeSource ?? 'unknown')}</td><td class="n">${c.people}</td><td class="n">${c.faces}</td><td class="n">${c.belowGate}</td></tr>`)
    .join('\n');
  const body = `<h1>faceidx report</h1>
<p class="muted">Made ${esc(utc(m.generatedAt))}${m.filter.length ? `; ${esc(m.filter.join(', '))}` : '; everything stored'}. Times are UTC.</p>
<h2>People</h2><p id="people-total">${link('people.html', `${p.total} people`)}${esc(split)}.</p>
<h2>Faces</h2><p>${m.faces.total} faces; ${m.faces.belowGate} below the quality gate (too small or poor to identify); ${m.faces.unassigned} not in any person.</p>
<h2>Cameras</h2>
<table id="cameras"><tr><th>camera</th><th>kind</th><th>source</th><th>footage from</th><th>footage to</th><th>times from</th><th>people</th><th>faces</th><th>below gate</th></tr>
${cams}</table>`;
  return layout('Overview', '', body);
}

export function peopleHtml(rows: readonly PersonSummary[], tracks: boolean, identified: boolean): string {
  const cameras = [...new Set(rows.flatMap((r) => r.cameras))].sort();
  const body = rows
    .map((r) => `<tr data-id="${r.id}" data-faces="${r.faces}" data-first="${r.first}" data-last="${r.last}" data-cameras="${esc(r.cameras.join(' '))}">` +
      `<td>${link(r.href, r.id)}</td><td>${img('', r.best, name(r))}</td><td>${esc(r.label ?? '')}</td><td class="n">${r.faces}</td>` +
      `${tracks ? `<td class="n">${r.tracks ?? ''}</td>` : ''}${identified ? `<td>${esc(idText(r.identified))}</td>` : ''}<td>${esc(r.cameras.join(', '))}</td>` +
      `<td>${esc(utc(r.first))}</td><td>${esc(utc(r.last))}</td></tr>`)
    .join('\n');
  const head = `<tr><th class="sort" data-key="id">id</th><th>face</th><th class="sort" data-key="label">label</th><th class="sort" data-key="faces">faces</th>` +
    `${tracks ? '<th>tracks</th>' : ''}${identified ? '<th>identified</th>' : ''}<th>cameras</th><th class="sort" data-key="first">first seen</th><th class="sort" data-key="last">last seen</th></tr>`;
  const html = `<h1>People (<span id="shown">${rows.length}</span> of ${rows.length})</h1>
<p><input id="filter" type="search" placeholder="filter: id, label, camera" size="30">
<select id="camera"><option value="">every camera</option>${cameras.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('')}</select>
<span class="muted">Click a column heading to sort.</span></p>
<table id="people"><thead>${head}</thead><tbody>
${body}
</tbody></table>`;
  return layout('People', '', html, PEOPLE_SCRIPT_FILE);
}

export function personHtml(m: PersonPageModel): string {
  const p = m.person;
  const root = '../';
  const best = m.best
    .map((b) => `<figure>${img(root, b, `face ${b.faceId}`)}<figcaption>face ${b.faceId}, ${esc(b.camera)}${b.trackId !== null ? `, track ${b.trackId}` : ''}<br>${esc(utc(b.ts))}<br><code>${esc(b.notCommand)}</code></figcaption></figure>`)
    .join('\n');
  const near = m.neighbours
    .map((n) => `<tr><td>${link(root + n.href, n.id)}</td><td>${img(root, n.best, name(n))}</td><td>${esc(n.label ?? '')}</td><td class="n">${n.distance.toFixed(3)}</td><td><code>${esc(n.mergeCommand)}</code></td></tr>`)
    .join('\n');
  const rows = m.sightings
    .map((s) => `<tr><td>${img(root, s, `face ${s.faceId}`)}</td><td class="n">${s.faceId}</td><td>${link(root + s.cameraHref, s.camera)}</td><td>${esc(s.position)}</td>` +
      `<td class="n">${esc(s.frameIndex ?? '')}</td><td>${esc(utc(s.ts))}</td>${p.tracks !== null ? `<td class="n">${esc(s.trackId ?? '')}</td>` : ''}<td>${s.clusterable ? '' : 'below gate'}</td></tr>`)
    .join('\n');
  const pages = pager(m.page, m.pages, (n) => root + personHref(p.id, n));
  const body = `<h1>${esc(name(p))}</h1>
<p>${p.faces} faces on ${esc(p.cameras.join(', '))}; first seen ${esc(utc(p.first))}, last seen ${esc(utc(p.last))}${p.identified === false ? '; seen only at low resolution' : ''}.</p>
${best ? `<h2>${p.tracks !== null ? 'Best face of each track' : 'Best faces'}</h2><div class="faces">${best}</div>` : ''}
<h2>Timeline per camera</h2>${timelineSvg(m.timeline)}
${m.together ? togetherHtml(m.together, root) : ''}
<h2>Nearest other people (candidate merges)</h2>
<p class="muted">Mean distance over pairs of their best faces. The same person on two cameras measured 0.43-0.45 on the sample clips; different people 0.65-0.8.</p>
${near ? `<table id="neighbours"><tr><th>person</th><th>face</th><th>label</th><th>distance</th><th>to merge them</th></tr>\n${near}</table>` : '<p>None.</p>'}
<h2>Sightings</h2>${pages}
<table id="sightings"><tr><th>face</th><th>id</th><th>camera</th><th>position in footage</th><th>frame</th><th>time</th>${p.tracks !== null ? '<th>track</th>' : ''}<th></th></tr>
${rows}</table>${pages}`;
  return layout(name(p), root, body, '', inlineStyles([...m.best, ...m.sightings]));
}

export function cameraHtml(m: CameraPageModel): string {
  const c = m.camera;
  const root = '../';
  const rows = m.visits
    .map((v) => `<tr><td>${esc(utc(v.start))}</td><td>${esc(utc(v.end))}</td><td>${esc(v.position)}</td><td>${img(root, v.best, name({ id: v.person, label: v.label }))}</td><td>${link(root + v.href, v.person)}</td><td>${esc(v.label ?? '')}</td><td class="n">${v.faces}</td></tr>`)
    .join('\n');
  const pages = pager(m.page, m.pages, (n) => root + cameraHref(c.slug, n));
  const body = `<h1>Camera ${esc(c.id)}</h1>
<p>${esc(c.kind)} ${esc(c.url)}; footage ${esc(utc(c.from))} to ${esc(utc(c.to))} (times from ${esc(c.timeSource ?? 'unknown')}); ${c.people} people, ${c.faces} faces (${c.belowGate} below the gate).</p>
<h2>Who was seen here, in time order</h2>${pages}
<table id="visits"><tr><th>from</th><th>to</th><th>position in footage</th><th>face</th><th>person</th><th>label</th><th>faces</th></tr>
${rows}</table>${pages}`;
  return layout(`Camera ${c.id}`, root, body, '', inlineStyles(m.visits.map((v) => v.best)));
}
