/** The watch list with its alerts (new ones arrive live), and the audit log with undo. */
import type { AlertLine, AuditEntry, WatchEntryRow } from '../../store/index.js';
import { UNDOABLE } from '../../review/undo.js';
import type { WebDeps } from '../deps.js';
import { html, when, type Html } from '../html.js';
import { faceImg, layout, type Viewer } from '../layout.js';

export interface WatchModel {
  entries: WatchEntryRow[];
  alerts: AlertLine[];
}

export async function loadWatch(deps: WebDeps): Promise<WatchModel> {
  return { entries: await deps.store.watch.list(), alerts: await deps.store.desk.recentAlerts(200) };
}

export function alertRow(a: AlertLine): Html {
  return html`<tr data-alert="${a.id}"><td>${a.hasThumbnail ? html`<img class="face small" src="/alert/${a.id}.jpg" alt="alert ${a.id}" loading="lazy">` : faceImg(null, '')}</td>
<td class="n">${a.id}</td><td>${when(a.ts)}</td><td>${a.entryName}</td><td><a href="/camera/${encodeURIComponent(a.cameraId)}">${a.cameraId}</a></td>
<td>${a.personId === null ? '-' : html`<a href="/person/${a.personId}">${a.personId}</a>`}</td><td class="n">${a.distance.toFixed(3)}</td></tr>`;
}

export function watchHtml(m: WatchModel, viewer: Viewer): string {
  const body = html`<h1>Watch list</h1>
<p class="muted">Add people from a face on their person page (Watch), or with faceidx watch add NAME PHOTO... An alert is raised once per track that comes closer than alerts.threshold.</p>
<table id="watch-list"><tr><th>name</th><th>photos</th><th>from</th><th>added</th>${viewer.role === 'admin' ? html`<th></th>` : ''}</tr>
${m.entries.map((e) => html`<tr><td>${e.name}</td><td class="n">${e.descriptors}</td><td>${e.sources.join(', ')}</td><td>${when(e.createdAt)}</td>
${viewer.role === 'admin' ? html`<td><button type="button" class="small" data-action="watch-remove" data-name="${e.name}">Remove</button></td>` : ''}</tr>`)}
</table>${m.entries.length === 0 ? html`<p>The watch list is empty.</p>` : ''}
<h2>Alerts <span class="muted">(newest first; new ones appear here as they are raised)</span></h2>
<table id="alerts"><thead><tr><th>face</th><th>id</th><th>seen (UTC)</th><th>name</th><th>camera</th><th>person</th><th>distance</th></tr></thead>
<tbody>${m.alerts.map(alertRow)}</tbody></table>`;
  return layout('Watch list & alerts', viewer, body, { page: 'watch' });
}

export function auditHtml(entries: readonly AuditEntry[], before: number | undefined, viewer: Viewer): string {
  const canUndo = viewer.role !== 'read-only';
  const undoable = new Set<string>(UNDOABLE);
  const oldest = entries[entries.length - 1]?.id;
  const body = html`<h1>Audit log</h1>
<p class="muted">Every review action, from this page and from the CLI, newest first. Labels and merges can be undone (also with faceidx undo ENTRY).</p>
<table id="audit"><tr><th>id</th><th>time (UTC)</th><th>who</th><th>action</th><th>what</th><th></th></tr>
${entries.map((e) => html`<tr data-entry="${e.id}"><td class="n">${e.id}</td><td>${when(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.summary}</td>
<td>${e.undoneBy !== null ? html`<span class="muted">undone by ${e.undoneBy}</span>` : canUndo && undoable.has(e.action) ? html`<button type="button" class="small" data-action="undo" data-entry="${e.id}">Undo</button>` : ''}</td></tr>`)}
</table>
${entries.length === 100 && oldest !== undefined ? html`<p><a href="/audit?before=${oldest}">older</a></p>` : ''}${before !== undefined ? html`<p><a href="/audit">newest</a></p>` : ''}`;
  return layout('Audit log', viewer, body, { page: 'audit' });
}
