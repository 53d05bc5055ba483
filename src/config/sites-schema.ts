/**
 * The keys of a deployment over many sites (README "Many sites"): which site a daemon is, where
 * the shared PostgreSQL store is, how an edge ships its faces there and how the elected clusterer
 * follows them. Imported by schema.ts; documented in config/faceidx.example.yaml.
 */
import { z } from 'zod';
import { duration } from './duration.js';

export const siteId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "_", "-" or "." (e.g. station, north-gate)');

const postgresUrl = z
  .string()
  .regex(
    /^postgres(ql)?:\/\/\S+$/,
    'give a postgresql:// URL, e.g. postgresql://faceidx:${FACEIDX_PG_PASSWORD}@db.example/faceidx?sslmode=verify-full',
  );

/** storage.postgres: the shared store (storage.backend: postgres). */
export const storagePostgresSchema = z.strictObject({
  /**
   * postgresql://user:password@host:port/database?sslmode=... (libpq's sslmode: disable, prefer,
   * require, verify-ca, verify-full; sslrootcert, sslcert, sslkey name files). Put the password
   * in the environment (`${FACEIDX_PG_PASSWORD}`): it never appears in logs, status or errors.
   */
  url: postgresUrl,
});

/** central: an edge daemon ships its faces, tracks and thumbnails to the shared store. */
export const centralSchema = z.strictObject({
  /** The shared store, as this site's role (README: it may only ship its own faces). */
  url: postgresUrl,
  /** Faces per shipment (one transaction). */
  batch: z.number().int().min(1).max(20_000).default(1000),
  /** How often the spool (the local store) is checked for faces not yet shipped. */
  interval: duration.default(500),
  /** While the central store is unreachable, retries back off up to this. */
  retryMax: duration.default(30_000),
});

/** cluster: the elected clusterer of a shared store (a daemon with storage.backend: postgres). */
export const clusterSchema = z.strictObject({
  /** Besides LISTEN/NOTIFY, look for new faces this often (a notification can be lost with a connection). */
  poll: duration.default(2000),
  /** Save the index and the kNN graph into the store this often, so a standby takes over fast. */
  checkpointEvery: duration.default(60_000),
  /** A standby tries to take the lock this often. */
  standbyRetry: duration.default(1000),
});

type Ctx = z.core.$RefinementCtx;

/** Rules across keys: which combinations make an edge, a clusterer or a reader. */
export function sitesRules(
  cfg: { site?: string | undefined; storage: { backend: string; postgres?: unknown }; central?: unknown; cameras: unknown[] },
  ctx: Ctx,
): void {
  if (cfg.storage.backend === 'postgres') {
    if (cfg.storage.postgres === undefined) {
      ctx.addIssue({ code: 'custom', path: ['storage', 'postgres'], message: 'storage.backend: postgres needs storage.postgres.url (postgresql://user:${FACEIDX_PG_PASSWORD}@host/db)' });
    }
    if (cfg.cameras.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cameras'],
        message: 'a daemon on the shared PostgreSQL store runs no cameras (it clusters): run the cameras on an edge daemon (storage.backend: sqlite) with a central: section',
      });
    }
    if (cfg.central !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['central'], message: 'central: is for an edge daemon with its own SQLite spool (storage.backend: sqlite); remove it here' });
    }
  }
  if (cfg.central !== undefined && cfg.site === undefined) {
    ctx.addIssue({ code: 'custom', path: ['site'], message: 'an edge that ships to a central store needs its site id: add site: <id> (unique per site)' });
  }
}
