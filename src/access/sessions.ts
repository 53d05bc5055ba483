/**
 * Sessions of the review page, in memory: a session is a random 256-bit id (the cookie's value)
 * for a user, ended by logout, by `sessionIdle` without a request, by `sessionMax` after the
 * login, or when the user's row changes (password, role) or goes (`stamp`, checked on every
 * request by the server). A restart of `faceidx serve` ends every session. Nothing here is
 * written anywhere: ids never reach a log or the database.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role, UserRow } from '../store/users.js';

export interface Session {
  id: string;
  user: string;
  role: Role;
  /** The user's row as it was at login (userStamp): another value means the password or role changed. */
  stamp: string;
  createdAt: number;
  lastSeen: number;
}

/** A fingerprint of the parts of a user's row a session depends on. */
export function userStamp(u: Pick<UserRow, 'id' | 'role' | 'passwordHash'>): string {
  return createHash('sha256').update(`${u.id}\n${u.role}\n${u.passwordHash}`).digest('base64url').slice(0, 22);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly opts: { idleMs: number; maxMs: number; now?: () => number }) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  create(user: UserRow): Session {
    this.sweep();
    const now = this.now();
    const s: Session = { id: randomBytes(32).toString('base64url'), user: user.name, role: user.role, stamp: userStamp(user), createdAt: now, lastSeen: now };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (its idle clock restarted), or undefined. */
  get(id: string | undefined): Session | undefined {
    const s = this.peek(id);
    if (s) s.lastSeen = this.now();
    return s;
  }

  /** The live session with this id, without counting as use (an open event stream is not a request). */
  peek(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.now();
    if (now - s.lastSeen > this.opts.idleMs || now - s.createdAt > this.opts.maxMs) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Ends every session of a user; returns how many. */
  deleteUser(user: string): number {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (s.user === user) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions. */
  sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now - s.lastSeen > this.opts.idleMs || now - s.createdAt > this.opts.maxMs) this.sessions.delete(id);
  }
}
