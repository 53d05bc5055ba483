/**
 * End to end: the real daemon (ffmpeg, ONNX models, HNSW, SQLite) on the sample clips.
 * The three head-pose clips show one woman, one man, and the two of them together: two people,
 * each seen on two cameras.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, killLeftovers, makeConfig, query, readStatusJson, SAMPLES, startDaemon, waitFor, type Camera } from './harness.js';

after(killLeftovers);

const female: Camera = { id: 'desk-female', url: join(SAMPLES, 'head-pose-face-detection-female.mp4') };
const male: Camera = { id: 'desk-male', url: join(SAMPLES, 'head-pose-face-detection-male.mp4') };
const both: Camera = { id: 'desk-both', url: join(SAMPLES, 'head-pose-face-detection-female-and-male.mp4') };

interface Person {
  id: number;
  faces: number;
  cameras: string[];
}

async function consistent(storage: string): Promise<{ faces: number; clusterable: number; unassigned: number }> {
  const [integrity] = await query<{ integrity_check: string }>(storage, 'PRAGMA integrity_check');
  assert.equal(integrity!.integrity_check, 'ok');
  const [dups] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM (SELECT camera_id, ts, face_idx FROM faces GROUP BY 1, 2, 3 HAVING count(*) > 1)');
  assert.equal(dups!.n, 0, 'no face is stored twice');
  const [c] = await query<{ faces: number; clusterable: number }>(storage, 'SELECT count(*) AS faces, coalesce(sum(clusterable), 0) AS clusterable FROM faces');
  const [u] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces f WHERE clusterable = 1 AND NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.face_id = f.id)');
  await tracksConsistent(storage);
  return { faces: c!.faces, clusterable: c!.clusterable, unassigned: u!.n };
}

/** Every face has its track, counts match, no track holds two faces of one frame, none is left open after the daemon exited. */
async function tracksConsistent(storage: string): Promise<void> {
  const [untracked] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces WHERE track_id IS NULL');
  assert.equal(untracked!.n, 0, 'every stored face carries its track');
  const [miscounted] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM tracks t WHERE t.faces != (SELECT count(*) FROM faces f WHERE f.track_id = t.id) OR t.faces = 0');
  assert.equal(miscounted!.n, 0, 'track face counts match their faces');
  const [twice] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM (SELECT track_id, ts FROM faces GROUP BY 1, 2 HAVING count(*) > 1)');
  assert.equal(twice!.n, 0, 'no track holds two faces of one frame');
  const [open] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM tracks WHERE closed_at IS NULL');
  assert.equal(open!.n, 0, 'no track is left open once the daemon exited');
}

for (const workers of [0, 2]) {
  test(`three clips: two people, each listed once with both of their cameras (inference workers: ${workers})`, { timeout: 240_000 }, async () => {
    await threeClips(workers);
  });
}

async function threeClips(workers: number): Promise<void> {
  const { file, storage } = makeConfig([female, male, both], '', undefined, `  workers: ${workers}\n`);
  const d = startDaemon(file, ['--until-done']);
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  assert.equal(people.length, 2, JSON.stringify(people));
  for (const p of people) {
    assert.equal(p.cameras.length, 2, `person ${p.id} cameras ${p.cameras.join(',')}`);
    assert.ok(p.cameras.includes('desk-both'));
  }
  assert.notDeepEqual(people[0]!.cameras, people[1]!.cameras);
  const db = await consistent(storage);
  assert.equal(db.unassigned, 0);
  assert.equal(readStatusJson(storage)?.indexSize, db.clusterable);
}

test('SIGTERM: exit 0 within the deadline and a consistent database', { timeout: 180_000 }, async () => {
  const { file, storage } = makeConfig([{ ...female, loop: true }], 'shutdown:\n  deadline: 10s\n');
  const d = startDaemon(file);
  await waitFor('faces stored', () => ((readStatusJson(storage)?.faces.stored ?? 0) > 3 ? true : undefined), 120_000);
  const sent = Date.now();
  d.child.kill('SIGTERM');
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  assert.ok(Date.now() - sent < 10_000, 'within the 10 s deadline');
  const db = await consistent(storage);
  assert.equal(db.unassigned, 0);
  assert.equal(readStatusJson(storage)?.indexSize, db.clusterable);
});

test('a second signal exits at once', { timeout: 180_000 }, async () => {
  const { file, storage } = makeConfig([{ ...female, loop: true }], 'shutdown:\n  deadline: 60s\n');
  const d = startDaemon(file);
  await waitFor('running', () => (readStatusJson(storage)?.state === 'running' ? true : undefined), 120_000);
  d.child.kill('SIGINT');
  d.child.kill('SIGINT');
  const { code } = await d.exited;
  assert.ok(code === 130 || code === 0, `exit ${code}`);
});

test('kill -9 mid-run, then --until-done: integrity ok, index = clusterable faces, nothing stored twice', { timeout: 300_000 }, async () => {
  const { file, storage } = makeConfig([female, male, both]);
  const first = startDaemon(file, ['--until-done']);
  await waitFor('some faces stored', async () => {
    const rows = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces').catch(() => [{ n: 0 }]);
    return rows[0]!.n >= 5 ? true : undefined;
  }, 120_000, 50);
  first.child.kill('SIGKILL');
  await first.exited;
  const [cut] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM tracks WHERE closed_at IS NULL');
  assert.ok(cut!.n >= 1, 'the kill left a track open');
  const second = startDaemon(file, ['--until-done']);
  const { code } = await second.exited;
  assert.equal(code, 0, second.output());
  const [closed] = await query<{ n: number }>(storage, "SELECT count(*) AS n FROM tracks WHERE end_reason = 'interrupted'");
  assert.equal(closed!.n, cut!.n, 'the tracks cut by the crash were closed, not continued');
  const db = await consistent(storage);
  assert.equal(db.unassigned, 0);
  assert.equal(readStatusJson(storage)?.indexSize, db.clusterable);
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  assert.equal(people.length, 2, JSON.stringify(people));
});

test('SIGHUP adds a camera without restarting the others; an invalid new config is ignored', { timeout: 240_000 }, async () => {
  const looping = { ...female, loop: true };
  const { dir, file, storage } = makeConfig([looping]);
  const d = startDaemon(file);
  await waitFor('first camera running', () => (readStatusJson(storage)?.feeds.find((f) => f.cameraId === 'desk-female' && f.framesOut > 2) ? true : undefined), 120_000);
  const pidBefore = readStatusJson(storage)!.pid;
  makeConfig([looping, { ...male, loop: true }], '', dir);
  d.child.kill('SIGHUP');
  await waitFor('second camera running', () => (readStatusJson(storage)?.feeds.find((f) => f.cameraId === 'desk-male' && f.framesOut > 0) ? true : undefined), 60_000);
  const status = readStatusJson(storage)!;
  assert.equal(status.pid, pidBefore);
  assert.equal(status.feeds.find((f) => f.cameraId === 'desk-female')!.restarts, 0);
  writeFileSync(file, 'storage:\n  dir: [broken\n');
  d.child.kill('SIGHUP');
  await waitFor('the rejection logged', () => (/new config is invalid/.test(d.output()) ? true : undefined), 30_000);
  assert.ok(readStatusJson(storage)!.feeds.some((f) => f.cameraId === 'desk-male'));
  d.child.kill('SIGTERM');
  assert.equal((await d.exited).code, 0, d.output());
});

test('a bad config exits 78 with file:line messages and starts nothing', () => {
  const { file } = makeConfig([female], 'detector:\n  minScroe: 0.5\n');
  const r = cli(['run', '--config', file]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: detector\\.minScroe: unknown key`));
});

test('while the daemon runs, merge and forget from the CLI are applied by the daemon', { timeout: 240_000 }, async () => {
  const { file, storage } = makeConfig([{ ...female, loop: true }, { ...male, loop: true }]);
  const d = startDaemon(file);
  const listed = (): Person[] => {
    const r = cli(['people', '--config', file, '--json', '--all']);
    return r.code === 0 ? (JSON.parse(r.stdout) as Person[]) : []; // no database yet at the very start
  };
  const two = await waitFor('two people', () => {
    const p = listed().filter((x) => x.faces >= 2);
    return p.length >= 2 ? p : undefined;
  }, 120_000);
  const [a, b] = [two[0]!.id, two[1]!.id];
  const merged = cli(['merge', String(a), String(b), '--config', file]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, new RegExp(`person ${b} merged into ${a}`));
  const afterMerge = listed();
  assert.ok(!afterMerge.some((p) => p.id === b), 'b is retired');
  assert.ok(afterMerge.find((p) => p.id === a)!.cameras.length === 2);
  const forgot = cli(['forget', String(a), '--config', file, '--json']);
  assert.equal(forgot.code, 0, forgot.stderr);
  const out = JSON.parse(forgot.stdout) as { faces: number; index: { action: string } };
  assert.ok(out.faces >= 4);
  assert.equal(out.index.action, 'daemon');
  assert.ok(!listed().some((p) => p.id === a), 'a is gone');
  // The forgotten person is still in front of the camera: the next faces start a new track and are stored.
  const [{ n: before }] = (await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces')) as [{ n: number }];
  await waitFor('faces stored after the forget', async () => ((await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces'))[0]!.n >= before + 6 ? true : undefined), 60_000);
  assert.doesNotMatch(d.output(), /could not store the faces of a frame/);
  d.child.kill('SIGTERM');
  assert.equal((await d.exited).code, 0, d.output());
  const [c] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces WHERE clusterable = 1');
  assert.equal(readStatusJson(storage)?.indexSize, c!.n, d.output().split('\n').filter((l) => /index|request|error|warn|rebuil/i.test(l)).join('\n'));
  const [orphans] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM face_person fp JOIN people p ON p.id = fp.person_id WHERE p.retired_at IS NOT NULL');
  assert.equal(orphans!.n, 0, 'no face is left on a retired person');
});
