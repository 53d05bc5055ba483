/**
 * A site's link down for a while (default 10 minutes) while its 4 cameras run: an edge daemon
 * (the sample clips, looping, as 4 live-like cameras) ships to a throwaway PostgreSQL server with
 * a clusterer; the server is stopped after `--before` minutes and started again after `--down`
 * minutes; once the edge's spool is empty the edge stops. Then: faces lost (stored at the edge,
 * not centrally), faces duplicated, and whether the people are the same as the edge's own (both
 * re-clustered by the batch rule over the same faces).
 *   node --import tsx scripts/link-down.ts [--before 1] [--down 10] [--after 1] [--fps 2]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Store } from '../src/store/index.js';
import { startPostgres } from '../test/helpers/postgres.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { before: { type: 'string', default: '1' }, down: { type: 'string', default: '10' }, after: { type: 'string', default: '1' }, fps: { type: 'string', default: '2' } } });
const minutes = (s: string) => Number(s) * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLIPS = ['face-demographics-walking-and-pause.mp4', 'face-demographics-walking.mp4', 'head-pose-face-detection-female-and-male.mp4', 'classroom.mp4'];

function daemon(file: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), 'run', '--config', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  return child;
}

function status(storage: string): { central?: { waiting: number; state: string }; faces: { stored: number } } | undefined {
  try {
    return JSON.parse(readFileSync(join(storage, 'status.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

async function keys(store: Store): Promise<Map<string, number>> {
  const rows = await store.db.all<{ k: string; p: number }>(
    `SELECT f.camera_id || '@' || f.ts || '#' || f.face_idx AS k, fp.person_id AS p FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN people pe ON pe.id = fp.person_id WHERE pe.retired_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.k, r.p]));
}

/** Pairwise agreement of two partitions over the same keys (1 = the same people). */
function samePeople(a: Map<string, number>, b: Map<string, number>): { same: boolean; keysDiffer: number; pairsDiffer: number } {
  const common = [...a.keys()].filter((k) => b.has(k));
  const group = (m: Map<string, number>) => {
    const g = new Map<number, string[]>();
    for (const k of common) (g.get(m.get(k)!) ?? g.set(m.get(k)!, []).get(m.get(k)!)!).push(k);
    return new Set([...g.values()].map((ks) => ks.sort().join('|')));
  };
  const [ga, gb] = [group(a), group(b)];
  const differ = [...ga].filter((x) => !gb.has(x)).length;
  return { same: differ === 0 && ga.size === gb.size, keysDiffer: a.size + b.size - 2 * common.length, pairsDiffer: differ };
}

const server = await startPostgres();
const url = await server.createDatabase();
const work = mkdtempSync(join(tmpdir(), 'faceidx-linkdown-'));
const hubFile = join(work, 'clusterer.yaml');
writeFileSync(hubFile, `storage:\n  dir: ${join(work, 'hub')}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(url)}\nlogging:\n  level: warn\n`);
const edgeStorage = join(work, 'edge');
const edgeFile = join(work, 'edge.yaml');
const cams = CLIPS.map((c, i) => `  - id: cam${i}\n    url: ${join(ROOT, 'samples', c)}\n    fps: ${values.fps}\n    loop: true\n`).join('');
writeFileSync(edgeFile, `site: north\nstorage:\n  dir: ${edgeStorage}\ncameras:\n${cams}central:\n  url: ${JSON.stringify(url)}\ninference:\n  device: cpu\nlogging:\n  level: warn\n`);
const hub = daemon(hubFile);
const edge = daemon(edgeFile);
const t0 = Date.now();
await sleep(minutes(values.before!));
const atCut = status(edgeStorage)?.faces.stored ?? 0;
server.pause();
console.log(`link down at ${((Date.now() - t0) / 60_000).toFixed(1)} min (${atCut} faces stored so far)`);
await sleep(minutes(values.down!));
const waitingAtRestore = status(edgeStorage)?.central?.waiting ?? NaN;
server.start();
console.log(`link back at ${((Date.now() - t0) / 60_000).toFixed(1)} min, ${waitingAtRestore} faces waiting at the edge`);
const back = Date.now();
let drainedS = NaN;
for (;;) {
  await sleep(1000);
  const s = status(edgeStorage);
  if (s?.central?.state === 'ok' && s.central.waiting === 0 && Number.isNaN(drainedS)) drainedS = (Date.now() - back) / 1000;
  if (Date.now() - back > minutes(values.after!) && !Number.isNaN(drainedS)) break;
}
edge.kill('SIGTERM');
await new Promise((r) => edge.once('exit', r));
// What stopped in the last seconds ships at the edge's next start: count it from the spool.
const central = await openStore({ backend: 'postgres', url }, { readonly: true });
const local = await openStore(edgeStorage);
const localIds = (await local.db.all<{ id: number }>('SELECT id FROM faces')).map((r) => r.id);
const centralIds = new Set((await central.db.all<{ l: number }>("SELECT local_id AS l FROM faces WHERE site_id = 'north'")).map((r) => r.l));
const cursor = Number((await local.meta.get('central.shipped.faceId')) ?? 0);
const lost = localIds.filter((id) => id <= cursor && !centralIds.has(id)).length;
const unshipped = localIds.filter((id) => !centralIds.has(id)).length;
const dup = (await central.db.get<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT (site_id, local_id)) AS d FROM faces"))!;
await local.close();
await central.close();
// The same faces, clustered at the edge and by the clusterer, each by the batch rule.
for (const f of [edgeFile, hubFile]) spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), 'recluster', '--config', f], { cwd: ROOT, stdio: 'inherit' });
const [a, b] = [await openStore(edgeStorage, { readonly: true }), await openStore({ backend: 'postgres', url }, { readonly: true })];
const cmp = samePeople(await keys(a), await keys(b));
await a.close();
await b.close();
hub.kill('SIGTERM');
await new Promise((r) => hub.once('exit', r));
await server.stop();
console.table([{
  'minutes down': Number(values.down), cameras: CLIPS.length, 'faces at the edge': localIds.length, 'waiting when the link came back': waitingAtRestore,
  'drained in s': drainedS.toFixed(1), lost, 'not shipped at stop (ship at next start)': unshipped, duplicated: dup.n - dup.d,
  'same people as the edge': cmp.same, 'faces only on one side': cmp.keysDiffer, 'people that differ': cmp.pairsDiffer,
}]);
