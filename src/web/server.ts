/**
 * The review site (`faceidx serve`): a Fastify app over the store. Composition: security headers
 * with a Content-Security-Policy that allows only this site's own script, style and images (no
 * inline script or style, no other origin), access (auth.ts), the static files (public/: one
 * script, one stylesheet, served by faceidx, no CDN, no build step), the pages, the images, the
 * live events and the actions. Plain HTTP unless serve.tls names a certificate and key.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { FaceidxError, isFaceidxError } from '../errors.js';
import { apiRoutes, errorReply } from './api.js';
import { setupAuth, type Auth } from './auth.js';
import type { WebDeps } from './deps.js';
import { LivePoller } from './live.js';
import { eventRoutes, mediaRoutes, pageRoutes } from './routes.js';

/** public/ at the package root (the same from src/web and dist/web). */
export const PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

export interface Site {
  app: FastifyInstance;
  auth: Auth;
  live: LivePoller;
}

function readTls(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new FaceidxError('FACEIDX_CONFIG', `serve.tls.${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `point serve.tls.${what} at a PEM file the faceidx user can read`);
    }
  };
  return { cert: read(tls.cert, 'cert'), key: read(tls.key, 'key') };
}

/** Builds the site (not listening yet); `live` is started by `listen`. */
export async function buildSite(deps: WebDeps): Promise<Site> {
  const s = deps.config.serve;
  const tls = s.tls ? readTls(s.tls) : undefined;
  const app = Fastify({
    loggerInstance: deps.log,
    ...(tls ? { https: tls } : {}),
    // Requests are logged with method, path, status and time: never headers (cookies) or bodies (passwords).
    bodyLimit: 64 * 1024,
    // Closing ends open event streams too (a page left open must not hold `faceidx serve` up at SIGTERM).
    forceCloseConnections: true,
  }) as unknown as FastifyInstance;
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: tls ? { maxAge: 15552000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 4, parts: 5 } });
  const auth = await setupAuth(app, deps, {
    tls: tls !== undefined,
    sessionIdle: s.sessionIdle,
    sessionMax: s.sessionMax,
    loginAttempts: s.loginAttempts,
    loginWindow: s.loginWindow,
  });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', index: false, list: false, dotfiles: 'deny', maxAge: 3_600_000 });
  // Pages, faces and events hold personal data: never cached (a shared or later user of the browser sees none).
  app.addHook('onSend', async (req, reply) => {
    if (req.routeOptions.url !== '/static/*') reply.header('cache-control', 'no-store');
  });
  const live = new LivePoller({ store: deps.store, minFaces: deps.config.clustering.minFaces, intervalMs: s.pollInterval, log: deps.log.child({ module: 'live' }) });
  pageRoutes(app, deps, auth);
  mediaRoutes(app, deps);
  eventRoutes(app, live, auth);
  apiRoutes(app, deps);
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (isFaceidxError(err)) return errorReply(reply, err);
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: err.message, url: req.url }, 'internal error');
    return reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message, code: err.code ?? 'FACEIDX_INTERNAL' });
  });
  app.get('/favicon.ico', { config: { public: true } }, async (_req, reply) => reply.code(204).send());
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no page ${req.url.split('?')[0]}` }));
  app.addHook('onClose', async () => live.stop());
  return { app, auth, live };
}

/** Starts listening on serve.host:serve.port (or the port given); resolves to the address. */
export async function listen(site: Site, host: string, port: number): Promise<string> {
  await site.live.start();
  return site.app.listen({ host, port });
}


