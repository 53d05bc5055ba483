/**
 * Two real clusterer processes on one throwaway PostgreSQL store: one leads, the other waits;
 * faces shipped by a site are clustered; kill -9 of the leader: the standby takes over, resumes
 * and assigns every face, the CLI's changes (label, merge) reach it through the requests table,
 * and the people read from PostgreSQL are what was clustered.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CentralRepository, encodeDescriptor, PostgresDatabase, storeOver, type ShipBatch } from '../../src/store/index.js';
import { syntheticFaces } from '../../src/eval/synthetic.js';
import { cli, killLeftovers, startDaemon, waitFor } from '../e2e/harness.js';
import { clusterRole, clustererConfig } from '../helpers/central.js';
import { pgServer } from '../helpers/store-backends.js';

after(killLeftovers);

/** Faces for site north's camera "hall", each its own frame; all in one track when `track` is given. */
function batch(faces: Float32Array[], from: number, track?: number): ShipBatch {
  return {
    cameras: [{ id: 'hall', url: '/footage/hall.mp4', kind: 'file', timeSource: null, lastFrameAt: null }],
    tracks: track === undefined ? [] : [{
      localId: track, cameraId: 'hall', firstTs: 1, lastTs: 1, firstPos: 0, lastPos: 0, faces: faces.length, bestLocalFace: null, quality: 0.5,
      descriptor: null, identifiable: 1, closedAt: null, endReason: null, createdAt: 1,
    }],
    faces: faces.map((d, i) => ({
      localId: from + i, cameraId: 'hall', ts: 1_000_000 + (from + i) * 1000, framePos: from + i, faceIdx: 0, x: 1, y: 1, w: 80, h: 80,
      score: 0.9, quality: 60, clusterable: 1, descriptor: encodeDescriptor(d), thumbnail: null, createdAt: Date.now(), trackLocalId: track ?? null, source: null, frameIndex: null, sourceLoop: null,
    })),
  };
}

test('kill -9 of the leader: the standby takes over and assigns every face; alerts once per track; CLI changes go through the requests table', { timeout: 180_000 }, async () => {
  const server = await pgServer();
  const url = await server.createDatabase();
  const set = syntheticFaces({ people: 4, perPerson: 20, seed: 7 });
  const a = clustererConfig(url, 'leader');
  const b = clustererConfig(url, 'standby');
  const leader = startDaemon(a.file);
  await waitFor('the first clusterer to lead', () => clusterRole(a.storage) === 'leader', 60_000);
  const standby = startDaemon(b.file);
  await waitFor('the second clusterer to wait as a standby', () => clusterRole(b.storage) === 'standby', 60_000);

  const site = await PostgresDatabase.open(url, { migrate: false });
  const central = new CentralRepository(site);
  const assigned = async () => (await site.get<{ n: number }>('SELECT count(*) AS n FROM face_person'))!.n;
  const alerts = async () => site.all<{ track: number }>('SELECT t.local_id AS track FROM alerts a JOIN tracks t ON t.id = a.track_id ORDER BY a.id');
  // The watch list holds one synthetic person; their tracks raise one alert each, whoever leads.
  const suspect = set.descriptors.filter((_, i) => set.truth[i] === 0);
  const watch = storeOver(site);
  await watch.watch.add('suspect', [{ descriptor: suspect[0]!, source: 'suspect.jpg', box: { x: 0, y: 0, width: 9, height: 9 } }]);
  await waitFor('the leader to load the watch list', () => /"entries":1/.test(leader.output()), 30_000);
  assert.equal(await central.ingest('north', batch(set.descriptors.slice(0, 40), 1)), 40);
  assert.equal(await central.ingest('north', batch(suspect.slice(1, 4), 1001, 900)), 3);
  await waitFor('the leader to assign the first 43 faces', async () => (await assigned()) === 43, 60_000);
  await waitFor("the leader's alert for the suspect's track", async () => (await alerts()).length === 1, 30_000).catch((err: Error) => assert.fail(`${err.message}\n${leader.output().slice(-4000)}`));

  leader.child.kill('SIGKILL');
  await leader.exited;
  assert.equal(await central.ingest('north', batch(set.descriptors.slice(40), 41)), 40);
  assert.equal(await central.ingest('north', batch(suspect.slice(4, 7), 1004, 900)), 3);
  assert.equal(await central.ingest('north', batch(suspect.slice(7, 10), 1007, 901)), 3);
  await waitFor('the standby to lead', () => clusterRole(b.storage) === 'leader', 30_000);
  await waitFor('every face assigned after the takeover', async () => (await assigned()) === 89, 60_000);
  await waitFor("the new leader's alert for the new track", async () => (await alerts()).length === 2, 30_000);
  assert.deepEqual((await alerts()).map((a) => a.track), [900, 901], 'one alert per track across the deployment, none again for track 900');
  assert.match(standby.output(), /clusterer: leading/);

  // The people, read from PostgreSQL by the CLI: one per synthetic person, each holding only that person's faces.
  const people = JSON.parse(cli(['people', '--json', '--config', b.file]).stdout) as Array<{ id: number; faces: number }>;
  assert.equal(people.length, 4, JSON.stringify(people));
  const rows = await site.all<{ local: number; person: number }>('SELECT f.local_id AS local, fp.person_id AS person FROM faces f JOIN face_person fp ON fp.face_id = f.id');
  const byPerson = new Map<number, Set<number>>();
  for (const r of rows) (byPerson.get(r.person) ?? byPerson.set(r.person, new Set()).get(r.person)!).add(r.local > 1000 ? 0 : set.truth[r.local - 1]!);
  for (const truths of byPerson.values()) assert.equal(truths.size, 1, 'a person holds faces of one synthetic person only');

  // label and merge from the CLI: requests the new leader applies.
  const [p1, p2] = [people[0]!.id, people[1]!.id];
  const label = cli(['label', String(p1), 'Alice', '--config', b.file]);
  assert.equal(label.code, 0, label.stderr);
  assert.match(label.stdout, new RegExp(`person ${p1}: Alice`));
  const merge = cli(['merge', String(p1), String(p2), '--config', b.file]);
  assert.equal(merge.code, 0, merge.stderr);
  const after = JSON.parse(cli(['people', '--json', '--config', b.file]).stdout) as Array<{ id: number; label: string | null }>;
  assert.equal(after.length, 3);
  assert.equal(after.find((p) => p.id === p1)?.label, 'Alice');
  // not and forget, likewise.
  const victim = after.find((p) => p.id !== p1)!;
  const face = (await site.get<{ id: number }>('SELECT face_id AS id FROM face_person WHERE person_id = ? ORDER BY face_id LIMIT 1', [victim.id]))!.id;
  const not = cli(['not', String(face), String(victim.id), '--config', b.file]);
  assert.equal(not.code, 0, not.stderr);
  assert.notEqual((await site.get<{ p: number }>('SELECT person_id AS p FROM face_person WHERE face_id = ?', [face]))?.p, victim.id);
  const forget = cli(['forget', String(victim.id), '--config', b.file]);
  assert.equal(forget.code, 0, forget.stderr);
  assert.match(forget.stdout, /index: the clusterer of the shared store erased them/);
  assert.equal((await site.get<{ n: number }>('SELECT count(*) AS n FROM face_person WHERE person_id = ?', [victim.id]))!.n, 0);

  standby.child.kill('SIGTERM');
  assert.equal((await standby.exited).code, 0, standby.output().slice(-3000));
  await site.close();
});
