/** A camera's page (who was seen there, in order of first sighting) and the feeds' status page. */
import { buildReport, type DbCounts, type StatusReport } from '../../cli/status.js';
import { livePid, readStatus } from '../../runtime/status-file.js';
import type { CameraPersonRow, CameraRow } from '../../store/index.js';
import type { WebDeps } from '../deps.js';
import { count, html, personName, when } from '../html.js';
import { faceImg, layout, pager, type Viewer } from '../layout.js';

const PER_PAGE = 100;

export interface CameraModel {
  camera: CameraRow;
  people: CameraPersonRow[];
  total: number;
  page: number;
}

export async function loadCamera(deps: WebDeps, id: string, page: number): Promise<CameraModel | undefined> {
  const camera = await deps.store.cameras.get(id);
  if (!camera) return undefined;
  const { total, people } = await deps.store.desk.peopleOnCamera(id, (page - 1) * PER_PAGE, PER_PAGE);
  return { camera, people, total, page };
}

export function cameraHtml(m: CameraModel, viewer: Viewer): string {
  const c = m.camera;
  const nav = pager(m.page, Math.max(1, Math.ceil(m.total / PER_PAGE)), (n) => `/camera/${encodeURIComponent(c.id)}${n === 1 ? '' : `?page=${n}`}`);
  const body = html`<h1>Camera ${c.id}</h1>
<p>${c.kind} ${c.url}; times from ${c.timeSource ?? 'unknown'}; last frame ${when(c.lastFrameAt)}.</p>
<h2>Who was seen here (${m.total}), in order of first sighting</h2>${nav}
<table id="camera-people"><tr><th>face</th><th>person</th><th>label</th><th>faces here</th><th>first here</th><th>last here</th></tr>
${m.people.map((p) => html`<tr><td>${faceImg(p.faceId, personName(p.personId, p.label))}</td><td><a href="/person/${p.personId}">${p.personId}</a></td><td>${p.label ?? ''}</td>
<td class="n">${p.faces}</td><td>${when(p.firstSeen)}</td><td>${when(p.lastSeen)}</td></tr>`)}
</table>${nav}`;
  return layout(`Camera ${c.id}`, viewer, body, { page: 'camera' });
}

/** The same report as `faceidx status`. */
export async function loadStatus(deps: WebDeps): Promise<StatusReport> {
  const { store, config } = deps;
  const counts = await store.faces.count();
  const timeSources = new Map((await store.cameras.list()).map((c) => [c.id, c.timeSource] as const));
  const db: DbCounts = { ...counts, persons: await store.people.countActive(), lowResolution: await store.people.countLowResolution(), byCamera: await store.faces.countByCamera(), timeSources };
  return buildReport(livePid(config.storage.dir), readStatus(config.storage.dir), db);
}

export function statusHtml(r: StatusReport, cameras: readonly CameraRow[], viewer: Viewer): string {
  const d = r.daemon;
  const t = r.totals;
  const reported = new Set(r.feeds.map((f) => f.cameraId));
  const body = html`<h1>Feeds</h1>
<p id="daemon">${d.running ? `daemon running (pid ${d.pid}, ${d.state}, since ${d.startedAt})` : `daemon not running${d.updatedAt ? ` (last status ${d.updatedAt})` : ''}`}</p>
<table id="feeds"><tr><th>camera</th><th>state</th><th>fps</th><th>frames</th><th>drops</th><th>restarts</th><th>faces</th><th>below gate</th><th>last frame</th><th>times from</th><th>last error</th></tr>
${r.feeds.map((f) => html`<tr><td><a href="/camera/${encodeURIComponent(f.cameraId)}">${f.cameraId}</a></td><td>${f.state}</td><td class="n">${f.fps.toFixed(1)}</td><td class="n">${f.framesOut}</td><td class="n">${f.drops}</td>
<td class="n">${f.restarts}</td><td class="n">${f.faces}</td><td class="n">${f.belowGate}</td><td>${when(f.lastFrameAt)}</td><td>${f.timeSource ?? '-'}</td><td>${f.lastError ?? ''}</td></tr>`)}
${cameras.filter((c) => !reported.has(c.id)).map((c) => html`<tr><td><a href="/camera/${encodeURIComponent(c.id)}">${c.id}</a></td><td>not running</td><td colspan="9" class="muted">last frame ${when(c.lastFrameAt)}</td></tr>`)}
</table>
<p>${count(t.faces, 'face')} (${t.clusterable} clustered, ${t.faces - t.clusterable} below the quality gate); ${count(t.persons, 'person', 'people')} (${t.lowResolution} seen only at low resolution); index ${t.indexSize ?? '?'}; provider ${t.provider ?? '?'}.</p>`;
  return layout('Feeds', viewer, body, { page: 'status' });
}
