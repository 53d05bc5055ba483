/**
 * Many sites on one shared PostgreSQL store (README "Many sites"), on a throwaway server here:
 *  1. Simulated sites replay face sightings into the store at 50, 200 and 500 faces/s (4 sites,
 *     a batch every 100 ms each, tracks of 5 faces, 128-d face-like descriptors and a 4 KB
 *     thumbnail per face) while a real clusterer process (`faceidx run`, storage.backend:
 *     postgres) clusters them: the ingest rate reached, the lag from a face's insert to its
 *     person (p50/p95/max), and the clusterer's CPU (user+system, % of one core).
 *  2. Bulk inserts of 10,000 faces: the ingest function's multi-row insert (what sites use),
 *     COPY into a staging table then one INSERT ... SELECT, and one INSERT per row.
 *  3. Failover with 100,000 faces stored: from kill -9 of the leader to the next face assigned
 *     by the standby.
 * Goals: lag p95 < 2 s at 500 faces/s; failover < 30 s.
 * Run: npm run bench -- sites   (FACEIDX_BENCH_RATES=50,200,500 FACEIDX_BENCH_SECONDS=30
 *   FACEIDX_BENCH_FAILOVER_FACES=100000; 0 skips a part)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { CentralRepository, encodeDescriptor, PostgresDatabase, type ShipBatch } from '../src/store/index.js';
import { openStore } from '../src/store/index.js';
import { syntheticFaces } from '../src/eval/synthetic.js';
import { startPostgres, type PgServer } from '../test/helpers/postgres.js';

const ROOT = resolve(import.meta.dirname, '..');
const RATES = (process.env.FACEIDX_BENCH_RATES ?? '50,200,500').split(',').map(Number).filter((n) => n > 0);
const SECONDS = Number(process.env.FACEIDX_BENCH_SECONDS ?? 30);
const FAILOVER_FACES = Number(process.env.FACEIDX_BENCH_FAILOVER_FACES ?? 100_000);
const SITES = 4;
const TRACK = 5;
const THUMB = Buffer.alloc(4096, 7);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sighting rows for `site`, numbered from `from`, `TRACK` consecutive faces per track, descriptors from `set`. */
function rows(site: string, from: number, descriptors: Float32Array[], now: number): ShipBatch {
  const faces = descriptors.map((d, i) => {
    const local = from + i;
    return {
      localId: local, cameraId: `${site}-cam`, ts: now + local, framePos: local, faceIdx: 0, x: 1, y: 1, w: 90, h: 90, score: 0.9, quality: 60, clusterable: 1,
      descriptor: encodeDescriptor(d), thumbnail: THUMB, createdAt: now, trackLocalId: Math.floor(local / TRACK) + 1, source: null, frameIndex: null, sourceLoop: null,
    };
  });
  const trackIds = [...new Set(faces.map((f) => f.trackLocalId))];
  return {
    cameras: [{ id: `${site}-cam`, url: `rtsp://${site}/cam`, kind: 'rtsp', timeSource: 'receive', lastFrameAt: now }],
    tracks: trackIds.map((t) => ({
      localId: t, cameraId: `${site}-cam`, firstTs: now, lastTs: now, firstPos: 0, lastPos: 0, faces: TRACK, bestLocalFace: null, quality: 0.5,
      descriptor: null, identifiable: 1, closedAt: null, endReason: null, createdAt: now,
    })),
    faces,
  };
}

/** Face-like descriptors grouped so that each run of TRACK consecutive faces is one person's track. */
function descriptorsFor(n: number, seed: number): Float32Array[] {
  const set = syntheticFaces({ people: Math.max(1, Math.ceil(n / (TRACK * 4))), perPerson: TRACK * 4, seed, shuffle: false });
  // Tracks of one person, the people's tracks interleaved: faces arrive as from several cameras.
  const tracks: Float32Array[][] = [];
  for (let i = 0; i < set.descriptors.length; i += TRACK) tracks.push(set.descriptors.slice(i, i + TRACK));
  const order = tracks.map((_, i) => i).sort((a, b) => ((a * 7919) % tracks.length) - ((b * 7919) % tracks.length));
  return order.flatMap((i) => tracks[i]!).slice(0, n);
}

function clusterer(url: string, name: string): { child: ChildProcess; storage: string; out: () => string } {
  const dir = mkdtempSync(join(tmpdir(), `faceidx-bench-${name}-`));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `storage:\n  dir: ${join(dir, 'state')}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(url)}\ncluster:\n  poll: 1s\n  standbyRetry: 250ms\n  checkpointEvery: ${process.env.FACEIDX_BENCH_CHECKPOINT ?? '10s'}\nlogging:\n  level: info\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'run', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, storage: join(dir, 'state'), out: () => out };
}

function role(storage: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(storage, 'status.json'), 'utf8')) as { cluster?: { role: string } }).cluster?.role;
  } catch {
    return undefined;
  }
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(everyMs);
  }
}

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Watches face_person every 100 ms and notes when each face first has a person (assigned_at is
 * rewritten when a later merge moves the face, so it cannot say when the face first got one).
 * Resolves to each face's lag in seconds: first seen with a person minus its insert time.
 */
function firstAssignments(db: PostgresDatabase): { stop(): Promise<number[]> } {
  const first = new Map<number, number>();
  let since = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      const rows = await db.query<{ id: number; created: number }>(
        'SELECT fp.face_id AS id, f.created_at AS created FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.assigned_at >= $1',
        [since - 1000],
      );
      for (const r of rows) if (!first.has(r.id)) first.set(r.id, (t - r.created) / 1000);
      since = t;
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...first.values()];
    },
  };
}

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const count = async (db: PostgresDatabase, sql: string) => (await db.get<{ n: number }>(sql))!.n;

async function rateRun(server: PgServer, rate: number): Promise<Record<string, string | number>> {
  const url = await server.createDatabase();
  await (await openStore({ backend: 'postgres', url })).close();
  const c = clusterer(url, `rate${rate}`);
  await until('the clusterer to lead', () => role(c.storage) === 'leader', 60_000);
  const total = Math.round(rate * SECONDS);
  const perSite = Math.ceil(total / SITES);
  const descriptors = descriptorsFor(perSite * SITES, rate);
  const sites = await Promise.all(Array.from({ length: SITES }, () => PostgresDatabase.open(url, { migrate: false, schemaCheck: false })));
  const perTick = rate / SITES / 10;
  const cpu0 = cpuSeconds(c.child.pid!);
  const watcher = await PostgresDatabase.open(url, { migrate: false });
  const seen = firstAssignments(watcher);
  const t0 = performance.now();
  const calls: number[] = [];
  await Promise.all(
    sites.map(async (db, s) => {
      const repo = new CentralRepository(db);
      let sent = 0;
      for (let tick = 1; sent < perSite; tick++) {
        const due = Math.min(perSite, Math.round(tick * perTick));
        if (due > sent) {
          const c0 = performance.now();
          await repo.ingest(`site${s}`, rows(`site${s}`, sent + 1, descriptors.slice(s * perSite + sent, s * perSite + due), Date.now()));
          calls.push(performance.now() - c0);
          sent = due;
        }
        const next = t0 + tick * 100;
        await sleep(Math.max(0, next - performance.now()));
      }
    }),
  );
  const sendS = (performance.now() - t0) / 1000;
  const hub = sites[0]!;
  const stored = await count(hub, 'SELECT count(*) AS n FROM faces');
  await until('every face assigned', async () => (await count(hub, 'SELECT count(*) AS n FROM face_person')) >= stored, 180_000, 200).catch(() => undefined);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c.child.pid!) - cpu0;
  const lags = await seen.stop();
  await watcher.close();
  const unassigned = stored - lags.length;
  for (const db of sites) await db.close();
  c.child.kill('SIGTERM');
  await new Promise((r) => c.child.once('exit', r));
  return {
    'target faces/s': rate, 'ingested faces/s': Math.round(stored / sendS), faces: stored, 'ingest call p95 ms': Math.round(pct(calls, 95)),
    'lag p50 s': pct(lags, 50).toFixed(2), 'lag p95 s': pct(lags, 95).toFixed(2), 'lag max s': Math.max(...lags).toFixed(2), unassigned,
    'clusterer CPU %': Math.round((100 * cpu) / wall), goal: rate === 500 ? (pct(lags, 95) < 2 && unassigned === 0 ? 'p95 < 2 s: met' : 'p95 < 2 s: NOT met') : '',
  };
}

/** 10,000 faces three ways into fresh stores: rows/s. */
async function bulkCompare(server: PgServer): Promise<Array<Record<string, string | number>>> {
  const n = 10_000;
  const batch = rows('bulk', 1, descriptorsFor(n, 3), Date.now());
  const out: Array<Record<string, string | number>> = [];
  const timed = async (how: string, fn: (db: PostgresDatabase) => Promise<void>) => {
    const url = await server.createDatabase();
    const db = await PostgresDatabase.open(url);
    await new CentralRepository(db).ingest('bulk', { ...batch, faces: [] });
    const t0 = performance.now();
    await fn(db);
    const s = (performance.now() - t0) / 1000;
    const stored = await count(db, 'SELECT count(*) AS n FROM faces');
    await db.close();
    out.push({ how, faces: stored, seconds: s.toFixed(2), 'faces/s': Math.round(stored / s) });
  };
  await timed('ingest function, 1,000 faces per call (multi-row, what sites use)', async (db) => {
    const repo = new CentralRepository(db);
    for (let i = 0; i < n; i += 1000) await repo.ingest('bulk', { ...batch, faces: batch.faces.slice(i, i + 1000) });
  });
  const cols = ['site_id', 'local_id', 'camera_id', 'ts', 'frame_pos', 'face_idx', 'x', 'y', 'w', 'h', 'score', 'quality', 'clusterable', 'descriptor', 'thumbnail', 'created_at'];
  await timed('COPY into a staging table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING', async (db) => {
    await db.query(`CREATE TEMP TABLE staging AS SELECT ${cols.join(', ')} FROM faces WITH NO DATA`);
    const hex = (b: Buffer) => `\\\\x${b.toString('hex')}`;
    const lines = batch.faces.map((f) => ['bulk', f.localId, f.cameraId, f.ts, f.framePos, f.faceIdx, f.x, f.y, f.w, f.h, f.score, f.quality, f.clusterable, hex(f.descriptor), hex(f.thumbnail!), f.createdAt].join('\t') + '\n');
    await pipeline(Readable.from(lines), db.client.query(copyFrom(`COPY staging (${cols.join(', ')}) FROM STDIN`)));
    await db.query(`INSERT INTO faces (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM staging ON CONFLICT DO NOTHING`);
  });
  await timed('one INSERT per face', async (db) => {
    for (const f of batch.faces) {
      await db.query(`INSERT INTO faces (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`, [
        'bulk', f.localId, f.cameraId, f.ts, f.framePos, f.faceIdx, f.x, f.y, f.w, f.h, f.score, f.quality, f.clusterable, f.descriptor, f.thumbnail, f.createdAt,
      ]);
    }
  });
  return out;
}

async function failover(server: PgServer, n: number): Promise<Record<string, string | number>> {
  const url = await server.createDatabase();
  await (await openStore({ backend: 'postgres', url })).close();
  const db = await PostgresDatabase.open(url, { migrate: false });
  const repo = new CentralRepository(db);
  const descriptors = descriptorsFor(n + 50, 11);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 2000) await repo.ingest('north', rows('north', i + 1, descriptors.slice(i, Math.min(n, i + 2000)), Date.now()));
  const preloadS = (performance.now() - t0) / 1000;
  const a = clusterer(url, 'leader');
  const t1 = performance.now();
  await until('the leader to cluster every face', async () => (await count(db, 'SELECT count(*) AS n FROM face_person')) >= n, 1_800_000, 1000);
  const firstS = (performance.now() - t1) / 1000;
  const assignedAt = Date.now();
  await until('a checkpoint after the last face', async () => Number((await db.get<{ v: string }>("SELECT value AS v FROM meta WHERE key = 'cluster.checkpoint'"))?.v ?? 0) > assignedAt, 120_000, 500);
  const b = clusterer(url, 'standby');
  await until('the standby', () => role(b.storage) === 'standby', 60_000);
  a.child.kill('SIGKILL');
  const killed = performance.now();
  await repo.ingest('north', rows('north', n + 1, descriptors.slice(n, n + 5), Date.now()));
  await until('the standby to assign the new faces', async () => (await count(db, `SELECT count(*) AS n FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE f.local_id > ${n}`)) >= 5, 600_000);
  const takeover = (performance.now() - killed) / 1000;
  await db.close();
  b.child.kill('SIGTERM');
  await new Promise((r) => b.child.once('exit', r));
  const open = /"openS":([\d.]+)/.exec(b.out())?.[1] ?? '?';
  return { faces: n, 'preload s': preloadS.toFixed(1), 'first leader clusters all, s': firstS.toFixed(1), 'kill -9 to next face assigned, s': takeover.toFixed(1), "standby's core open, s": open, goal: takeover < 30 ? '< 30 s: met' : '< 30 s: NOT met' };
}

const server = await startPostgres({ conf: ['shared_buffers = 256MB', 'max_wal_size = 2GB'] });
try {
  if (RATES.length > 0 && SECONDS > 0) {
    const table = [];
    for (const r of RATES) table.push(await rateRun(server, r));
    console.log(`\nSites replaying faces into one PostgreSQL (${SITES} sites, ${SECONDS} s per rate), one clusterer:`);
    console.table(table);
  }
  if (process.env.FACEIDX_BENCH_BULK !== '0') {
    console.log('\nBulk insert of 10,000 faces (descriptor + 4 KB thumbnail):');
    console.table(await bulkCompare(server));
  }
  if (FAILOVER_FACES > 0) {
    console.log(`\nFailover with ${FAILOVER_FACES} faces stored:`);
    console.table([await failover(server, FAILOVER_FACES)]);
  }
} finally {
  await server.stop();
}
