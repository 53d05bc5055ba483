/**
 * The README's roles ("Many sites" / "Roles"), run as written on a throwaway server: a site's
 * role ships its own faces and reads nothing; a reader reads every table and changes nothing; a
 * reviewer may queue changes of people (requests) and edit the watch list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CentralRepository, encodeDescriptor, openStore, PostgresDatabase } from '../../src/store/index.js';
import { isFaceidxError } from '../../src/errors.js';
import { ROOT } from '../e2e/harness.js';
import { cli } from '../cli/fixture.js';
import { pgServer } from '../helpers/store-backends.js';

/** The ```sql blocks of the README's "### Roles" section, in order. */
function readmeSql(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Roles'), readme.indexOf('### Moving an existing store'));
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test("the README's roles: a site ships its own faces and reads nothing, a reader reads and changes nothing, a reviewer queues changes", { timeout: 120_000 }, async () => {
  const server = await pgServer();
  const [setup, roles] = readmeSql();
  assert.ok(setup && roles, 'two SQL blocks under "### Roles"');
  server.psql(setup!);
  const as = (role: string) => `postgresql://${role}@/faceidx?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
  await (await openStore({ backend: 'postgres', url: as('faceidx') })).close(); // the first clusterer creates the tables
  server.psql(roles!, 'faceidx');

  const site = await PostgresDatabase.open(as('site_station'), { migrate: false, schemaCheck: false });
  const face = { localId: 1, cameraId: 'station-entrance', ts: 1, framePos: 0, faceIdx: 0, x: 0, y: 0, w: 9, h: 9, score: 1, quality: 1, clusterable: 1, descriptor: encodeDescriptor(new Float32Array(128)), thumbnail: null, createdAt: 1, trackLocalId: null, source: null, frameIndex: null, sourceLoop: null };
  const camera = { id: 'station-entrance', url: 'rtsp://x', kind: 'rtsp', timeSource: null, lastFrameAt: null };
  assert.equal(await new CentralRepository(site).ingest('station', { cameras: [camera], tracks: [], faces: [face] }), 1);
  await assert.rejects(site.query('SELECT count(*) FROM faces'), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_DENIED'));
  await assert.rejects(new CentralRepository(site).ingest('street', { cameras: [], tracks: [], faces: [] }), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_DENIED'));
  await site.close();

  const dir = mkdtempSync(join(tmpdir(), 'faceidx-roles-'));
  const config = (role: string) => {
    const file = join(dir, `${role}.yaml`);
    writeFileSync(file, `storage:\n  dir: ${join(dir, role)}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(as(role))}\n`);
    return file;
  };
  server.psql('CREATE ROLE reviewer1 LOGIN IN ROLE faceidx_reviewer; INSERT INTO people (id, created_at) VALUES (1, 0);', 'faceidx');
  const reader = config('investigator1');
  const people = await cli('people', '--json', '--all', '--config', reader);
  assert.equal(people.code, 0, people.stderr);
  const label = await cli('label', '1', 'x', '--config', reader);
  assert.equal(label.code, 77, `a reader may not queue a change: ${label.stderr}`);
  assert.match(label.stderr, /refused.*permission denied/);
  const readerDb = await PostgresDatabase.open(as('investigator1'), { readonly: true });
  await assert.rejects(readerDb.query("INSERT INTO sites (id, role, added_at) VALUES ('evil', NULL, 0)"), (err: unknown) => /read-only|permission denied/.test(String(err)));
  await readerDb.close();

  const reviewer = config('reviewer1');
  process.env['FACEIDX_REQUEST_TIMEOUT_MS'] = '300';
  try {
    const queued = await cli('label', '1', 'x', '--config', reviewer);
    assert.equal(queued.code, 75, 'no clusterer leads: the request stays queued');
    assert.match(queued.stderr, /stays queued/);
  } finally {
    delete process.env['FACEIDX_REQUEST_TIMEOUT_MS'];
  }
});
