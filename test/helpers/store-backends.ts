/**
 * The repositories' tests run on both backends: each `backends` entry opens a fresh, migrated
 * store (SQLite: a new folder; PostgreSQL: a new database on one throwaway server per test file,
 * started on first use and removed after the file's tests).
 */
import { after } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { startPostgres, type PgServer } from './postgres.js';

let server: Promise<PgServer> | undefined;
// Registered at import, at the file's top level: a hook registered inside a test would stop the
// server after that one test.
after(async () => (await server)?.stop());

/** The test file's PostgreSQL server (started once, stopped after the file's tests). */
export function pgServer(): Promise<PgServer> {
  server ??= startPostgres();
  return server;
}

/** A fresh database's URL on the file's server. */
export async function freshPgUrl(): Promise<string> {
  return (await pgServer()).createDatabase();
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty, migrated store. */
  open(): Promise<Store>;
}

export const backends: readonly Backend[] = [
  { name: 'sqlite', open: () => openStore(join(mkdtempSync(join(tmpdir(), 'faceidx-store-')), 'state')) },
  { name: 'postgres', open: async () => openStore({ backend: 'postgres', url: await freshPgUrl() }) },
];
