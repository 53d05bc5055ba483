/**
 * Users of the review page (`faceidx serve`): a name, a role and a password hash (never the
 * password; hashing is src/access/passwords.ts). `updatedAt` changes with the password or the
 * role, so a running server can tell that a session was opened under an older one.
 */
import type { Database } from './db.js';

export type Role = 'admin' | 'reviewer' | 'read-only';
export const ROLES: readonly Role[] = ['admin', 'reviewer', 'read-only'];

export interface UserRow {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = 'id, name, role, password_hash AS "passwordHash", created_at AS "createdAt", updated_at AS "updatedAt"';

export class UsersRepository {
  constructor(private readonly db: Database) {}

  /** Adds a user; returns the new id, or null when the name is taken. */
  async add(name: string, role: Role, passwordHash: string, now = Date.now()): Promise<number | null> {
    const r = await this.db.get<{ id: number }>(
      'INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id',
      [name, role, passwordHash, now, now],
    );
    return r?.id ?? null;
  }

  async get(name: string): Promise<UserRow | undefined> {
    return this.db.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE name = ?`, [name]);
  }

  async list(): Promise<UserRow[]> {
    return this.db.all<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY name`);
  }

  /** False when there is no such user. */
  async remove(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM users WHERE name = ?', [name])).changes > 0;
  }

  /** False when there is no such user. */
  async setPassword(name: string, passwordHash: string, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?', [passwordHash, now, name])).changes > 0;
  }

  /** False when there is no such user. */
  async setRole(name: string, role: Role, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE users SET role = ?, updated_at = ? WHERE name = ?', [role, now, name])).changes > 0;
  }

  async count(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM users');
    return Number(r?.n ?? 0);
  }
}
