import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  configPath, csvField, csvLine, formatTable, isoTime, parseIntOption, parsePersonId, parseSince, shortDuration, tableTime,
} from '../../src/cli/output.js';
import { parsePidFile } from '../../src/cli/context.js';
import { effectiveMinFaces } from '../../src/cli/people.js';
import { groupVisits } from '../../src/cli/visits.js';
import { montageLayout } from '../../src/cli/montage-layout.js';
import { isFaceidxError } from '../../src/errors.js';

test('--since takes a duration ago or an ISO time, and rejects anything else as a usage error', () => {
  const now = Date.UTC(2024, 4, 1, 12);
  assert.equal(parseSince('2h', now), now - 2 * 3_600_000);
  assert.equal(parseSince('30m', now), now - 30 * 60_000);
  assert.equal(parseSince('7d', now), now - 7 * 86_400_000);
  assert.equal(parseSince('2024-05-01T08:00:00Z', now), Date.UTC(2024, 4, 1, 8));
  assert.equal(parseSince('2024-05-01T10:00:00+02:00', now), Date.UTC(2024, 4, 1, 8));
  for (const bad of ['yesterday', '2h30', '2024-13-45', '']) {
    assert.throws(() => parseSince(bad, now), (e) => isFaceidxError(e, 'FACEIDX_USAGE'), bad);
  }
});

test('ids and counts: whole positive numbers only', () => {
  assert.equal(parsePersonId('42'), 42);
  for (const bad of ['0', '-1', '1.5', 'abc', '']) assert.throws(() => parsePersonId(bad), (e) => isFaceidxError(e, 'FACEIDX_USAGE'));
  assert.equal(parseIntOption('--max')('7'), 7);
  assert.throws(() => parseIntOption('--max')('0'), /--max/);
  assert.throws(() => parseIntOption('--size', 16)('8'), />= 16/);
});

test('config path: --config, then $FACEIDX_CONFIG, then /etc/faceidx/config.yaml', () => {
  assert.equal(configPath({ config: 'a.yaml' }, { FACEIDX_CONFIG: 'b.yaml' }), 'a.yaml');
  assert.equal(configPath({}, { FACEIDX_CONFIG: 'b.yaml' }), 'b.yaml');
  assert.equal(configPath({}, {}), '/etc/faceidx/config.yaml');
});

test('times: ISO for programs, compact UTC for tables, short lengths', () => {
  const t = Date.UTC(2024, 4, 1, 8, 5, 9, 250);
  assert.equal(isoTime(t), '2024-05-01T08:05:09.250Z');
  assert.equal(isoTime(null), null);
  assert.equal(tableTime(t), '2024-05-01 08:05:09Z');
  assert.equal(tableTime(null), '-');
  assert.deepEqual([45_000, 12 * 60_000, 3 * 3_600_000 + 5 * 60_000, 50 * 3_600_000].map(shortDuration), ['45s', '12m', '3h05m', '2d02h']);
});

test('tables pad columns, right-align numbers and keep rows on one line', () => {
  const text = formatTable(['ID', 'NAME'], [['7', 'Al\nice'], ['123', 'B']], { right: [0] });
  assert.equal(text, ' ID  NAME\n  7  Al ice\n123  B\n');
});

test('CSV fields are quoted only when needed, quotes doubled', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(' pad'), '" pad"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(0.5), '0.5');
  assert.equal(csvLine(['a', 1, null]), 'a,1,\r\n');
});

test('minimum faces: --min-faces beats --all beats the config', () => {
  assert.equal(effectiveMinFaces({}, 3), 3);
  assert.equal(effectiveMinFaces({ all: true }, 3), 1);
  assert.equal(effectiveMinFaces({ all: true, minFaces: 2 }, 3), 2);
  assert.equal(effectiveMinFaces({ minFaces: 5 }, 3), 5);
});

test('visits: consecutive sightings on one camera less than the gap apart, per camera, by start time', () => {
  const m = 60_000;
  const s = (cameraId: string, min: number) => ({ cameraId, ts: min * m });
  const visits = groupVisits([s('lobby', 20), s('lobby', 0), s('door', 3), s('lobby', 1), s('lobby', 4), s('lobby', 9)], 5 * m);
  assert.deepEqual(visits, [
    { camera: 'lobby', start: 0, end: 4 * m, faces: 3 }, // 0, 1, 4: each step < 5 min
    { camera: 'door', start: 3 * m, end: 3 * m, faces: 1 },
    { camera: 'lobby', start: 9 * m, end: 9 * m, faces: 1 }, // exactly 5 min after 4: a new visit
    { camera: 'lobby', start: 20 * m, end: 20 * m, faces: 1 },
  ]);
  assert.deepEqual(groupVisits([], m), []);
});

test('montage layout: near-square grid with gaps, cells in reading order', () => {
  const l = montageLayout(5, 100, 2);
  assert.equal(l.columns, 3);
  assert.equal(l.rows, 2);
  assert.equal(l.width, 2 + 3 * 102);
  assert.equal(l.height, 2 + 2 * 102);
  assert.deepEqual(l.cells[0], { left: 2, top: 2 });
  assert.deepEqual(l.cells[3], { left: 2, top: 104 });
  assert.deepEqual(l.cells[4], { left: 104, top: 104 });
  assert.equal(montageLayout(1, 112).columns, 1);
  assert.equal(montageLayout(64, 112).columns, 8);
  assert.throws(() => montageLayout(0, 112), RangeError);
});

test('pid file: {"pid": n} or nothing', () => {
  assert.equal(parsePidFile('{"pid": 1234}'), 1234);
  assert.equal(parsePidFile('{"pid": "1234"}'), undefined);
  assert.equal(parsePidFile('1234'), undefined);
  assert.equal(parsePidFile('garbage'), undefined);
});
