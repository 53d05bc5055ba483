/**
 * Access to the review site. Nothing but the login page and the static files (script,
 * stylesheet: no faces) answers without a session:
 * - a session is a random id in an HttpOnly, SameSite=Strict cookie (Secure over TLS), kept in
 *   memory (src/access/sessions.ts); requests re-read the user's row (at most once a second per
 *   session), so a removed user or a changed password or role ends the session within a second;
 * - every request that changes anything (any method but GET/HEAD, the login included) carries a
 *   CSRF token bound to the session (@fastify/csrf-protection, double-submit cookie signed with
 *   a key made at start);
 * - each action needs a role (src/access/roles.ts): a read-only user gets 403;
 * - login attempts are rate-limited per client address (@fastify/rate-limit); a wrong user and
 *   a wrong password take the same time and get the same answer.
 * Secrets (session ids, cookie and CSRF keys, passwords) are never logged.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import { decoyHash, verifyPassword } from '../access/passwords.js';
import { can, roleFor, type Action } from '../access/roles.js';
import { SessionStore, userStamp, type Session } from '../access/sessions.js';
import type { WebDeps } from './deps.js';
import type { Viewer } from './layout.js';
import { loginHtml } from './pages/login.js';

export const SESSION_COOKIE = 'faceidx_session';
/** A session's user row is read again when the last read is older than this. */
export const USER_RECHECK_MS = 1000;
export const CSRF_COOKIE = 'faceidx_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyContextConfig {
    /** Answers without a session (login, static files). */
    public?: boolean;
    /** The role this route's action needs (roles.ts); none: any logged-in user. */
    action?: Action;
  }
}

/** Only a path of this site: "/people?x=1", never "//elsewhere" or "https://...". */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 2000 ? next : '/people';
}

function wantsPage(req: FastifyRequest): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

export interface AuthOptions {
  tls: boolean;
  sessionIdle: number;
  sessionMax: number;
  loginAttempts: number;
  loginWindow: number;
}

export interface Auth {
  sessions: SessionStore;
  /** What a page needs to know about who looks (with a fresh CSRF token). */
  viewer(req: FastifyRequest, reply: FastifyReply): Viewer;
  /** Whether a session is still live and its user unchanged (without counting as use). */
  stillValid(sessionId: string): Promise<boolean>;
}

export async function setupAuth(app: FastifyInstance, deps: WebDeps, opts: AuthOptions): Promise<Auth> {
  const sessions = new SessionStore({ idleMs: opts.sessionIdle, maxMs: opts.sessionMax });
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: opts.tls };
  await app.register(fastifyCookie, { secret: randomBytes(32).toString('base64') });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { ...cookieOpts, signed: true },
    getUserInfo: (req: FastifyRequest) => req.session?.id ?? 'no session',
    getToken: (req: FastifyRequest) => ((req.body as { _csrf?: unknown } | undefined)?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
    csrfOpts: { hmacKey: randomBytes(32) },
  });
  await app.register(fastifyRateLimit, { global: false });
  app.decorateRequest('session', null);

  /** When each session's user row was last found unchanged (a page's images come in a burst: one look serves them). */
  const lastCheck = new WeakMap<Session, number>();
  /** The session if its user is unchanged (password, role) and still there, as of at most USER_RECHECK_MS ago; else it ends. */
  const checked = async (s: Session | undefined): Promise<Session | undefined> => {
    if (!s) return undefined;
    if (Date.now() - (lastCheck.get(s) ?? 0) < USER_RECHECK_MS) return s;
    const user = await deps.store.users.get(s.user);
    if (user && userStamp(user) === s.stamp) {
      lastCheck.set(s, Date.now());
      return s;
    }
    sessions.delete(s.id);
    return undefined;
  };

  app.addHook('onRequest', async (req, reply) => {
    req.session = (await checked(sessions.get(req.cookies[SESSION_COOKIE]))) ?? null;
    const url = req.routeOptions.url;
    if (req.session || req.routeOptions.config.public || url === '/static/*') return;
    if (wantsPage(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return reply.code(401).send({ error: 'log in first', code: 'FACEIDX_LOGIN' });
  });
  // Every change carries the session's CSRF token (after the body is read: the login form sends it as a field).
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD') return done();
    app.csrfProtection(req, reply, done);
  });
  app.addHook('preHandler', async (req, reply) => {
    const action = req.routeOptions.config.action;
    if (action === undefined || !req.session || can(req.session.role, action)) return;
    return reply.code(403).send({ error: `${req.session.user} is ${req.session.role}: this needs ${roleFor(action)}`, code: 'FACEIDX_FORBIDDEN' });
  });

  const auth: Auth = {
    sessions,
    viewer: (req, reply) => ({ name: req.session!.user, role: req.session!.role, csrf: reply.generateCsrf({ userInfo: req.session!.id }) }),
    stillValid: async (id) => (await checked(sessions.peek(id))) !== undefined,
  };

  app.get('/login', { config: { public: true } }, async (req, reply) => {
    if (req.session) return reply.redirect(safeNext((req.query as { next?: string }).next), 303);
    const csrf = reply.generateCsrf({ userInfo: 'no session' });
    return reply.type('text/html').send(loginHtml(csrf, { next: (req.query as { next?: string }).next }));
  });

  app.post('/login', { config: { public: true, rateLimit: { max: opts.loginAttempts, timeWindow: opts.loginWindow } } }, async (req, reply) => {
    const body = (req.body ?? {}) as { user?: unknown; password?: unknown; next?: unknown };
    const name = typeof body.user === 'string' ? body.user.trim().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const user = name ? await deps.store.users.get(name) : undefined;
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) {
      req.log.warn({ user: name, ip: req.ip }, 'login failed');
      const csrf = reply.generateCsrf({ userInfo: 'no session' });
      return reply.code(401).type('text/html').send(loginHtml(csrf, { next: safeNext(body.next), error: 'Wrong user name or password.', user: name }));
    }
    sessions.delete(req.cookies[SESSION_COOKIE]);
    const s = sessions.create(user);
    req.log.info({ user: user.name, role: user.role, ip: req.ip }, 'logged in');
    reply.setCookie(SESSION_COOKIE, s.id, { ...cookieOpts, maxAge: Math.floor(opts.sessionMax / 1000) });
    return reply.redirect(safeNext(body.next), 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.session) req.log.info({ user: req.session.user }, 'logged out');
    sessions.delete(req.session?.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
  return auth;
}
