import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildFixture, cli, helpOf, HOUR, MIN, T0, writeConfig, type Fixture } from './fixture.js';
import { CSV_HEADER } from '../../src/cli/export.js';

let f: Fixture;
before(async () => {
  f = await buildFixture();
});

interface PersonJson { id: number; label: string | null; faces: number; cameras: string[]; firstSeen: string; lastSeen: string }

async function peopleJson(...args: string[]): Promise<PersonJson[]> {
  const r = await cli('people', '--json', '--config', f.config, ...args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PersonJson[];
}
const ids = (people: PersonJson[]) => people.map((p) => p.id).sort((a, b) => a - b);

test('people --json: shape, ISO times, and unconfirmed people hidden by default', async () => {
  const people = await peopleJson();
  assert.deepEqual(ids(people), [f.ids.alice, f.ids.bob, f.ids.eve].sort((a, b) => a - b));
  const alice = people.find((p) => p.id === f.ids.alice)!;
  assert.deepEqual(alice, {
    id: f.ids.alice, label: 'Alice, "Al"', faces: 5, cameras: ['door', 'lobby'],
    firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 20 * MIN).toISOString(), tracks: 0, identified: true,
  });
});

test('people --all shows unconfirmed people; --min-faces overrides; merged ids never show', async () => {
  assert.deepEqual(ids(await peopleJson('--all')), [f.ids.alice, f.ids.bob, f.ids.carol, f.ids.eve].sort((a, b) => a - b));
  assert.deepEqual(ids(await peopleJson('--min-faces', '4')), [f.ids.alice]);
  assert.ok(!(await peopleJson('--all')).some((p) => p.id === f.ids.merged));
});

test('people --camera and --since (ISO and duration ago)', async () => {
  assert.deepEqual(ids(await peopleJson('--camera', 'door')), [f.ids.alice, f.ids.bob]);
  assert.deepEqual(ids(await peopleJson('--camera', 'door', '--all')), [f.ids.alice, f.ids.bob]);
  assert.deepEqual(ids(await peopleJson('--camera', 'lobby', '--all')), [f.ids.alice, f.ids.carol, f.ids.eve].sort((a, b) => a - b));
  assert.deepEqual(ids(await peopleJson('--since', new Date(T0 + 30 * MIN).toISOString(), '--all')), [f.ids.bob, f.ids.carol, f.ids.eve]);
  assert.deepEqual(ids(await peopleJson('--since', '1h', '--all')), [f.ids.eve]);
  const bad = await cli('people', '--since', 'lately', '--config', f.config);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since "lately"/);
});

test('people prints a table with a header and one row per person', async () => {
  const r = await cli('people', '--config', f.config);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^\s*ID\s+LABEL\s+FACES\s+TRACKS\s+IDENTIFIED\s+CAMERAS\s+FIRST SEEN\s+LAST SEEN$/);
  assert.equal(lines.length, 4);
  assert.match(r.stdout, /Alice, "Al"\s+5\s+\d+\s+yes\s+door,lobby/);
});

test('person groups sightings into visits per camera (--gap) and follows merged ids', async () => {
  const r = await cli('person', String(f.ids.alice), '--json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout) as { id: number; visits: Array<{ camera: string; start: string; end: string; faces: number }>; mergedFrom?: number };
  const iso = (t: number) => new Date(t).toISOString();
  assert.deepEqual(p.visits, [
    { camera: 'lobby', start: iso(T0), end: iso(T0 + 2 * MIN), faces: 3 },
    { camera: 'door', start: iso(T0 + 3 * MIN), end: iso(T0 + 3 * MIN), faces: 1 },
    { camera: 'lobby', start: iso(T0 + 20 * MIN), end: iso(T0 + 20 * MIN), faces: 1 },
  ]);
  assert.equal(p.mergedFrom, undefined);
  const wide = JSON.parse((await cli('person', String(f.ids.alice), '--json', '--gap', '30m', '--config', f.config)).stdout) as typeof p;
  assert.deepEqual(wide.visits.map((v) => [v.camera, v.faces]), [['lobby', 4], ['door', 1]]);

  const merged = await cli('person', String(f.ids.merged), '--config', f.config);
  assert.equal(merged.code, 0);
  assert.match(merged.stdout, new RegExp(`person ${f.ids.merged} was merged into person ${f.ids.alice}`));
  const mergedJson = JSON.parse((await cli('person', String(f.ids.merged), '--json', '--config', f.config)).stdout) as typeof p;
  assert.equal(mergedJson.id, f.ids.alice);
  assert.equal(mergedJson.mergedFrom, f.ids.merged);
});

test('unknown person: exit 3 with the hint', async () => {
  for (const cmd of ['person', 'montage']) {
    const r = await cli(cmd, '999', ...(cmd === 'montage' ? ['--out', join(f.root, 'x.jpg')] : []), '--config', f.config);
    assert.equal(r.code, 3, cmd);
    assert.match(r.stderr, /no person 999: list people with faceidx people --all/);
  }
});

test('montage writes a JPEG grid of the expected size; no thumbnails is a clear error', async () => {
  const out = join(f.root, 'alice.jpg');
  const r = await cli('montage', String(f.ids.alice), '--out', out, '--size', '64', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const meta = await sharp(readFileSync(out)).metadata();
  assert.equal(meta.format, 'jpeg');
  // 5 tiles: 3 columns x 2 rows of 64 px with 2 px gaps.
  assert.equal(meta.width, 2 + 3 * 66);
  assert.equal(meta.height, 2 + 2 * 66);
  assert.equal(statSync(out).mode & 0o777, 0o600);

  const capped = join(f.root, 'capped.jpg');
  assert.equal((await cli('montage', String(f.ids.alice), '--out', capped, '--max', '1', '--config', f.config)).code, 0);
  assert.equal((await sharp(readFileSync(capped)).metadata()).width, 2 + 112 + 2);

  const none = await cli('montage', String(f.ids.bob), '--out', join(f.root, 'bob.jpg'), '--config', f.config);
  assert.equal(none.code, 3);
  assert.match(none.stderr, new RegExp(`person ${f.ids.bob} has no stored thumbnails`));
  const off = writeConfig(f.root, f.dir, '', 'no-thumbs.yaml', '  thumbnails: false\n');
  const offR = await cli('montage', String(f.ids.bob), '--out', join(f.root, 'bob.jpg'), '--config', off);
  assert.equal(offR.code, 3);
  assert.match(offR.stderr, /storage\.thumbnails is false/);
});

test('montage to an unwritable path: exit 73', async () => {
  const r = await cli('montage', String(f.ids.alice), '--out', join(f.root, 'no', 'such', 'dir.jpg'), '--config', f.config);
  assert.equal(r.code, 73);
  assert.match(r.stderr, /cannot write/);
});

test('export --format json: people each with their faces', async () => {
  const r = await cli('export', '--format', 'json', '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  const people = JSON.parse(r.stdout) as Array<{ id: number; label: string | null; faces: Array<Record<string, unknown>> }>;
  assert.deepEqual(people.map((p) => p.id), [f.ids.alice, f.ids.bob, f.ids.carol, f.ids.eve]);
  const bob = people.find((p) => p.id === f.ids.bob)!;
  assert.equal(bob.faces.length, 3);
  assert.deepEqual(Object.keys(bob.faces[0]!).sort(), ['box', 'camera', 'id', 'label', 'personId', 'score', 'time']);
  assert.deepEqual(bob.faces[0]!['box'], { x: 10, y: 20, width: 50, height: 60 });
  assert.equal(bob.faces[0]!['time'], new Date(T0 + HOUR).toISOString());
  assert.equal(bob.faces[0]!['camera'], 'door');
  assert.equal(bob.faces[0]!['personId'], f.ids.bob);
});

test('export --format csv --out: header, one row per face, escaped labels', async () => {
  const out = join(f.root, 'faces.csv');
  const r = await cli('export', '--format', 'csv', '--out', out, '--config', f.config);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const lines = readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines[0], CSV_HEADER.join(','));
  assert.equal(lines.length, 1 + 5 + 3 + 1 + 3);
  const aliceRow = lines.find((l) => l.startsWith('1,'))!;
  assert.equal(aliceRow, `1,lobby,${new Date(T0).toISOString()},10,20,50,60,0.9,${f.ids.alice},"Alice, ""Al"""`);
  const bad = await cli('export', '--format', 'xml', '--config', f.config);
  assert.equal(bad.code, 2);
});

test('a missing database: FACEIDX_DB_MISSING, exit 3, for reads and writes; nothing is created', async () => {
  const empty = writeConfig(f.root, join(f.root, 'nothing-here'), '', 'empty.yaml');
  for (const args of [['people'], ['export'], ['forget', '1'], ['purge', '--older-than', '1d']]) {
    const r = await cli(...args, '--config', empty);
    assert.equal(r.code, 3, args.join(' '));
    assert.match(r.stderr, /no faceidx database at .*nothing-here.*faceidx run --config/);
  }
  assert.throws(() => statSync(join(f.root, 'nothing-here', 'faceidx.db')));
});

test('an invalid config: exit 78 with file:line', async () => {
  const bad = writeConfig(f.root, f.dir, 'clustering:\n  minFacez: 3\n', 'bad.yaml');
  const r = await cli('people', '--config', bad);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /bad\.yaml:\d+: clustering\.minFacez: unknown key/);
});

test('every command has --help with its exit codes', () => {
  for (const cmd of ['people', 'person', 'montage', 'export', 'forget', 'purge']) {
    const text = helpOf(cmd);
    assert.match(text, /--config <file>/, cmd);
    assert.match(text, /Exit codes:[\s\S]*\n {2}3 {3}not found/, cmd);
  }
});
