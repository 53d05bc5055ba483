/** The review site's pages (GET, HTML), its images (thumbnails, only with a session) and its live event stream. */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Auth } from './auth.js';
import type { WebDeps } from './deps.js';
import { html } from './html.js';
import { layout, type Viewer } from './layout.js';
import type { LiveEvent, LivePoller } from './live.js';
import { cameraHtml, loadCamera, loadStatus, statusHtml } from './pages/camera.js';
import { compareHtml, loadCompare } from './pages/compare.js';
import { searchHtml } from './pages/login.js';
import { loadPeople, peopleHtml, peopleQuery } from './pages/people.js';
import { loadCandidates, loadPerson, personHtml } from './pages/person.js';
import { auditHtml, loadWatch, watchHtml } from './pages/watch.js';

const idParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).default(1) });
const pairQuery = z.object({ a: z.coerce.number().int().min(1), b: z.coerce.number().int().min(1) });
const auditQuery = z.object({ before: z.coerce.number().int().min(1).optional() });

/** A page that says what is wrong (bad address, unknown id), with its status. */
function problemPage(reply: FastifyReply, viewer: Viewer, status: number, title: string, text: string): FastifyReply {
  return reply.code(status).type('text/html').send(layout(title, viewer, html`<h1>${title}</h1><p class="error">${text}</p><p><a href="/people">People</a></p>`));
}

const send = (reply: FastifyReply, page: string) => reply.type('text/html').send(page);

export function pageRoutes(app: FastifyInstance, deps: WebDeps, auth: Auth): void {
  app.get('/', async (_req, reply) => reply.redirect('/people', 303));

  app.get('/people', async (req, reply) => {
    const viewer = auth.viewer(req, reply);
    const q = peopleQuery.safeParse(req.query);
    if (!q.success) return problemPage(reply, viewer, 400, 'Bad filter', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return send(reply, peopleHtml(await loadPeople(deps, q.data), viewer));
  });

  app.get('/person/:id', async (req, reply) => {
    const viewer = auth.viewer(req, reply);
    const p = idParam.safeParse(req.params);
    const q = pageQuery.safeParse(req.query);
    if (!p.success || !q.success) return problemPage(reply, viewer, 400, 'Bad address', 'a person page is /person/<id>[?page=<n>]');
    const m = await loadPerson(deps, p.data.id, q.data.page);
    if (m === undefined) return problemPage(reply, viewer, 404, 'No such person', `no person ${p.data.id} (forgotten, or never stored)`);
    if ('movedTo' in m) return reply.redirect(`/person/${m.movedTo}`, 303);
    return send(reply, personHtml(m, viewer));
  });

  app.get('/api/candidates/:id', async (req, reply) => {
    const p = idParam.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: 'a person id is a positive number' });
    if (!(await deps.store.people.exists(p.data.id))) return reply.code(404).send({ error: `no person ${p.data.id}` });
    return reply.send({ candidates: await loadCandidates(deps, p.data.id) });
  });

  app.get('/compare', async (req, reply) => {
    const viewer = auth.viewer(req, reply);
    const q = pairQuery.safeParse(req.query);
    if (!q.success) return problemPage(reply, viewer, 400, 'Bad address', 'compare two people with /compare?a=<id>&b=<id>');
    const m = await loadCompare(deps, q.data.a, q.data.b);
    if (typeof m === 'string') return problemPage(reply, viewer, 404, 'Cannot compare', m);
    return send(reply, compareHtml(m, viewer));
  });

  app.get('/camera/:id', async (req, reply) => {
    const viewer = auth.viewer(req, reply);
    const q = pageQuery.safeParse(req.query);
    const id = (req.params as { id: string }).id;
    const m = q.success ? await loadCamera(deps, id, q.data.page) : undefined;
    if (!m) return problemPage(reply, viewer, 404, 'No such camera', `no camera "${id}" in the store`);
    return send(reply, cameraHtml(m, viewer));
  });

  app.get('/watch', async (req, reply) => send(reply, watchHtml(await loadWatch(deps), auth.viewer(req, reply))));
  app.get('/status', async (req, reply) => send(reply, statusHtml(await loadStatus(deps), await deps.store.cameras.list(), auth.viewer(req, reply))));
  app.get('/search', async (req, reply) => send(reply, searchHtml(auth.viewer(req, reply))));
  app.get('/audit', async (req, reply) => {
    const q = auditQuery.safeParse(req.query);
    const before = q.success ? q.data.before : undefined;
    return send(reply, auditHtml(await deps.store.audit.list({ limit: 100, ...(before !== undefined ? { before } : {}) }), before, auth.viewer(req, reply)));
  });
}

export function mediaRoutes(app: FastifyInstance, deps: WebDeps): void {
  const jpeg = async (reply: FastifyReply, data: Buffer | undefined) => {
    if (!data) return reply.code(404).send({ error: 'no such image' });
    return reply.type('image/jpeg').send(data);
  };
  app.get('/face/:file', async (req, reply) => {
    const m = /^(\d{1,15})\.jpg$/.exec((req.params as { file: string }).file);
    return jpeg(reply, m ? await deps.store.faces.thumbnail(Number(m[1])) : undefined);
  });
  app.get('/alert/:file', async (req, reply) => {
    const m = /^(\d{1,15})\.jpg$/.exec((req.params as { file: string }).file);
    return jpeg(reply, m ? await deps.store.desk.alertThumbnail(Number(m[1])) : undefined);
  });
}

/** How often an idle event stream gets a comment line (keeps proxies from closing it) and re-checks its session. */
const HEARTBEAT_MS = 15_000;

export function eventRoutes(app: FastifyInstance, live: LivePoller, auth: Auth): void {
  app.get('/events', async (req, reply) => {
    const sessionId = req.session!.id;
    const stream = new PassThrough();
    const write = (e: LiveEvent) => {
      if (!auth.sessions.peek(sessionId)) return close();
      const { type, ...data } = e;
      stream.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = live.subscribe(write);
    const beat = setInterval(() => void auth.stillValid(sessionId).then((ok) => (ok ? stream.write(': still here\n\n') : close()), close), HEARTBEAT_MS);
    let closed = false;
    function close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      unsubscribe();
      stream.end();
    }
    req.raw.once('close', close);
    stream.write('retry: 3000\n: live updates\n\n');
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('x-accel-buffering', 'no').send(stream);
  });
}
