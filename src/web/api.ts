/**
 * The review actions of the site (POST, JSON in and out), each the CLI's own function
 * (src/review) acting as `web:<user>`: label, merge, not (a face or a track), forget, watch
 * list, undo; and search by photo (multipart upload, the same search as `faceidx search`).
 * Every route needs a session, the session's CSRF token (auth.ts) and its action's role.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Action } from '../access/roles.js';
import { FaceidxError, isFaceidxError, type ErrorCode } from '../errors.js';
import { forget, label, merge, notPerson, notTrack, watchFromFace, watchRemove, type ReviewContext } from '../review/actions.js';
import { searchPhoto } from '../review/search.js';
import { undo } from '../review/undo.js';
import type { WebDeps } from './deps.js';

const id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const STATUS: Partial<Record<ErrorCode, number>> = {
  FACEIDX_NOT_FOUND: 404,
  FACEIDX_USAGE: 400,
  FACEIDX_IMAGE: 400,
  FACEIDX_DB_LOCKED: 503,
  FACEIDX_REQUEST: 502,
};

/** An error as the page's script shows it: the message (with its fix) and its code; anything else goes to the site's error handler. */
export function errorReply(reply: FastifyReply, err: unknown): FastifyReply {
  if (isFaceidxError(err)) return reply.code(STATUS[err.code] ?? 500).send({ error: err.message, code: err.code });
  throw err;
}

function bad(error: z.ZodError): FaceidxError {
  return new FaceidxError('FACEIDX_USAGE', error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), 'send the fields the page sends');
}

export function apiRoutes(app: FastifyInstance, deps: WebDeps): void {
  const ctx = (req: FastifyRequest): ReviewContext => ({
    config: deps.config,
    store: deps.store,
    actor: `web:${req.session!.user}`,
    log: deps.log,
    ...(deps.daemonPid ? { daemonPid: deps.daemonPid } : {}),
  });

  /** One action: body checked with `schema`, then `run`; its result and a line for people. */
  function action<S extends z.ZodType>(path: string, need: Action, schema: S, run: (c: ReviewContext, body: z.infer<S>) => Promise<{ message: string } & Record<string, unknown>>): void {
    app.post(path, { config: { action: need } }, async (req, reply) => {
      const body = schema.safeParse(req.body);
      try {
        if (!body.success) throw bad(body.error);
        const out = await run(ctx(req), body.data);
        req.log.info({ user: req.session!.user, action: path }, out.message);
        return reply.send({ ok: true, ...out });
      } catch (err) {
        return errorReply(reply, err);
      }
    });
  }

  action('/api/label', 'label', z.object({ person: id, name: z.string().max(200) }), async (c, b) => {
    const r = await label(c, b.person, b.name);
    return { ...r, message: r.label === null ? `label of person ${r.person} cleared` : `person ${r.person} is now "${r.label}"` };
  });
  action('/api/merge', 'merge', z.object({ a: id, b: id }), async (c, b) => {
    const r = await merge(c, b.a, b.b);
    return { ...r, message: `person ${r.merged} merged into person ${r.kept}`, redirect: '/people' };
  });
  action('/api/not', 'not', z.object({ face: id, person: id }), async (c, b) => {
    const r = await notPerson(c, b.face, b.person);
    return { ...r, message: `face ${r.face} is no longer person ${r.person}${r.now !== null ? ` (now person ${r.now})` : ''}` };
  });
  action('/api/not-track', 'not', z.object({ track: id, person: id }), async (c, b) => {
    const r = await notTrack(c, b.track, b.person);
    return { ...r, message: `track ${r.track} (${r.faces} faces) is no longer person ${r.person}` };
  });
  action('/api/forget', 'forget', z.object({ person: id }), async (c, b) => {
    const r = await forget(c, b.person);
    return { person: r.person, faces: r.faceIds.length, audit: r.audit, message: `person ${r.person} forgotten: ${r.faceIds.length} faces erased`, redirect: '/people' };
  });
  action('/api/watch', 'watch-add', z.object({ name: z.string().max(64), face: id }), async (c, b) => {
    const r = await watchFromFace(c, b.name, b.face);
    return { ...r, message: `watching "${b.name}" (face ${b.face}): alerts are raised when a camera sees this face again` };
  });
  action('/api/watch/remove', 'watch-remove', z.object({ name: z.string().max(64) }), async (c, b) => {
    const r = await watchRemove(c, b.name);
    return { ...r, message: `no longer watching "${b.name}"` };
  });
  action('/api/undo', 'undo', z.object({ entry: id }), async (c, b) => {
    const r = await undo(c, b.entry);
    return { ...r, message: r.summary };
  });

  app.post('/api/search', { config: { action: 'search' } }, async (req, reply) => {
    let dir: string | undefined;
    try {
      const file = await req.file();
      if (!file) throw new FaceidxError('FACEIDX_IMAGE', 'no photo in the request', 'drop a JPEG, PNG or WebP photo on the page');
      const data = await file.toBuffer();
      if (data.length === 0) throw new FaceidxError('FACEIDX_IMAGE', 'the photo is empty', 'drop a JPEG, PNG or WebP photo on the page');
      // The same search as `faceidx search <file>`: the photo goes to a private temporary file, removed after.
      dir = await mkdtemp(join(tmpdir(), 'faceidx-search-'));
      const path = join(dir, 'photo');
      await writeFile(path, data, { mode: 0o600 });
      const r = await searchPhoto({ config: deps.config, store: deps.store, engine: await deps.engine() }, path, { top: 5, sightings: 0 });
      req.log.info({ user: req.session!.user, faces: r.faces.length }, 'searched by photo');
      return reply.send({ ok: true, ...r });
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return reply.code(413).send({ error: 'the photo is larger than 20 MB', code: 'FACEIDX_IMAGE' });
      if ((err as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return reply.code(400).send({ error: 'send the photo as multipart/form-data', code: 'FACEIDX_IMAGE' });
      return errorReply(reply, err);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
}
