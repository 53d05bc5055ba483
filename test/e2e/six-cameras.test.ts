/**
 * End to end on all six sample clips as six cameras at 4 fps (the demo), against who is really
 * there (ten people, checked by eye): the woman of the desk clips on three cameras, the man on
 * two, the bald man and the blonde woman standing beside her in the hall, the two walkers, and
 * four seated people in the classroom whose faces are too small to identify. Detection (YuNet),
 * tracks, and the video constraints all have to work for this to hold.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, killLeftovers, makeConfig, query, SAMPLES, startDaemon, waitFor, type Camera } from './harness.js';
import { clusterRole, clustererConfig } from '../helpers/central.js';
import { PostgresDatabase } from '../../src/store/index.js';
import { pgServer } from '../helpers/store-backends.js';

after(killLeftovers);

const clip = (id: string, file: string): Camera => ({ id, url: join(SAMPLES, file), fps: 4 });
const CAMERAS = [
  clip('classroom', 'classroom.mp4'),
  clip('hall-walk', 'face-demographics-walking.mp4'),
  clip('hall-pause', 'face-demographics-walking-and-pause.mp4'),
  clip('desk-female', 'head-pose-face-detection-female.mp4'),
  clip('desk-male', 'head-pose-face-detection-male.mp4'),
  clip('desk-both', 'head-pose-face-detection-female-and-male.mp4'),
];

interface Person {
  id: number;
  faces: number;
  cameras: string[];
  tracks: number;
  identified: boolean;
}

/** The SQLite run's people as face keys (camera@ts#index), for the comparison with two sites on PostgreSQL. */
let sqlitePeople: string[][] | undefined;

test('six cameras: the ten people who were there, two of them across cameras, nobody twice in one frame', { timeout: 600_000 }, async () => {
  const { file, storage } = makeConfig(CAMERAS);
  const d = startDaemon(file, ['--until-done']);
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  const summary = JSON.stringify(people.map((p) => [p.faces, p.cameras.join('+'), p.identified]));
  assert.equal(people.length, 10, summary);
  const on = (cams: string[]) => people.filter((p) => p.cameras.join('+') === cams.join('+'));
  assert.equal(on(['desk-both', 'desk-female', 'hall-pause']).length, 1, `the woman on three cameras: ${summary}`);
  assert.equal(on(['desk-both', 'desk-male']).length, 1, `the man on two cameras: ${summary}`);
  assert.equal(on(['hall-pause']).length, 2, summary);
  assert.equal(on(['hall-walk']).length, 2, summary);
  const seated = on(['classroom']);
  assert.equal(seated.length, 4, summary);
  assert.ok(seated.every((p) => !p.identified), 'the classroom faces are too small to identify: seen only at low resolution');
  const status = JSON.parse(cli(['status', '--config', file, '--json']).stdout) as { totals: { persons: number; lowResolution: number } };
  assert.deepEqual(status.totals.lowResolution, people.filter((p) => !p.identified).length, 'status counts the people seen only at low resolution');

  const [twice] = await query<{ n: number }>(
    storage,
    'SELECT count(*) AS n FROM (SELECT fp.person_id, f.camera_id, f.ts FROM faces f JOIN face_person fp ON fp.face_id = f.id GROUP BY 1, 2, 3 HAVING count(*) > 1)',
  );
  assert.equal(twice!.n, 0, 'no person holds two faces of one frame');
  const [unassigned] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces f WHERE NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.face_id = f.id)');
  assert.equal(unassigned!.n, 0, 'every face belongs to a person');
  sqlitePeople = partition(await query<FaceKey>(storage, KEYS_SQL));
});

interface FaceKey {
  person: number;
  key: string;
}

const KEYS_SQL = `SELECT fp.person_id AS person, f.camera_id || '@' || f.ts || '#' || f.face_idx AS key
  FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN people p ON p.id = fp.person_id WHERE p.retired_at IS NULL`;

/** People as sorted lists of face keys, sorted: comparable across stores whatever their ids. */
function partition(rows: readonly FaceKey[]): string[][] {
  const by = new Map<number, string[]>();
  for (const r of rows) (by.get(r.person) ?? by.set(r.person, []).get(r.person)!).push(r.key);
  return [...by.values()].map((k) => k.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

test('two sites and one clusterer on PostgreSQL: the same people as one SQLite daemon; the server stopped mid-run loses and duplicates nothing', { timeout: 600_000 }, async () => {
  assert.ok(sqlitePeople, 'the SQLite run above gives the reference');
  const server = await pgServer();
  const url = await server.createDatabase();
  const clusterer = clustererConfig(url);
  const hub = startDaemon(clusterer.file);
  await waitFor('the clusterer to lead', () => clusterRole(clusterer.storage) === 'leader', 60_000);
  const central = `site: SITE\ncentral:\n  url: ${JSON.stringify(url)}\n  interval: 200ms\n  retryMax: 1s\n`;
  const edges = [CAMERAS.slice(0, 3), CAMERAS.slice(3)].map((cams, i) => makeConfig(cams, central.replace('SITE', `site-${i}`)));
  const runs = edges.map((e) => startDaemon(e.file, ['--until-done']));
  const db = await PostgresDatabase.open(url, { migrate: false });
  const centralFaces = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM faces'))!.n;
  await waitFor('the first faces shipped', async () => (await centralFaces()) > 0, 300_000, 100);
  await db.close();
  server.pause(); // the link is down for a while: the edges keep storing
  await new Promise((r) => setTimeout(r, 4000));
  server.start();
  for (const r of runs) assert.equal((await r.exited).code, 0, r.output().slice(-3000));
  const hubDb = await PostgresDatabase.open(url, { migrate: false });
  let local = 0;
  for (const e of edges) local += (await query<{ n: number }>(e.storage, 'SELECT count(*) AS n FROM faces'))[0]!.n;
  assert.equal(await centralFaces2(hubDb), local, `every face of both sites arrived\n${runs.map((r) => r.output().slice(-3000)).join('\n---\n')}`);
  const dup = await hubDb.get<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT camera_id || '@' || ts || '#' || face_idx) AS d FROM faces");
  assert.equal(dup!.n, dup!.d, 'no face arrived twice');
  await waitFor('every face assigned by the clusterer', async () => (await hubDb.get<{ n: number }>('SELECT count(*) AS n FROM faces f WHERE NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.face_id = f.id)'))!.n === 0, 120_000);
  // The batch rule, as the SQLite run ends with: a re-cluster, requested from the CLI.
  const re = cli(['recluster', '--config', clusterer.file]);
  assert.equal(re.code, 0, re.stderr);
  const people = JSON.parse(cli(['people', '--config', clusterer.file, '--json']).stdout) as Person[];
  assert.equal(people.length, 10, JSON.stringify(people.map((p) => [p.faces, p.cameras.join('+')])));
  assert.deepEqual(partition(await hubDb.all<FaceKey>(KEYS_SQL)), sqlitePeople, 'the same people, face for face, as one SQLite daemon');
  await hubDb.close();
  hub.child.kill('SIGTERM');
  assert.equal((await hub.exited).code, 0);
});

async function centralFaces2(db: PostgresDatabase): Promise<number> {
  return (await db.get<{ n: number }>('SELECT count(*) AS n FROM faces'))!.n;
}
