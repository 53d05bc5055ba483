/**
 * End to end: a batch run always ends. `faceidx run --until-done` over a camera whose file does
 * not exist, one whose file is cut short (`head -c` of a sample) and a good one exits with the
 * documented code 66 once the good one is read to its end, prints one line per failed camera,
 * and keeps what the good camera gave. As a service (no --until-done) the missing file is
 * retried past the batch limit and the daemon keeps running.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.js';
import { UNTIL_DONE_RETRIES } from '../../src/daemon/until-done.js';
import { cli, killLeftovers, makeConfig, readStatusJson, ROOT, SAMPLES, startDaemon, waitFor, type Daemon } from './harness.js';

after(killLeftovers);

interface Person {
  id: number;
  faces: number;
  cameras: string[];
}

/** The exit of the daemon, or a failure naming what it was doing if it has not ended by then. */
async function ended(d: Daemon, withinMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), withinMs)));
  const r = await Promise.race([d.exited, late]);
  clearTimeout(timer);
  if (r === 'late') {
    d.child.kill('SIGKILL');
    assert.fail(`the run did not end within ${withinMs / 1000} s; output:\n${d.output().slice(-4000)}`);
  }
  return r.code;
}

test('--until-done with a missing, a truncated and a good camera: ends with exit 66, one line per failed camera, the good camera\'s people listed', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-until-done-'));
  const cut = join(dir, 'cut.mp4');
  const male = join(SAMPLES, 'head-pose-face-detection-male.mp4');
  execFileSync('bash', ['-c', 'head -c "$1" "$2" > "$3"', 'cut', String(Math.floor(statSync(male).size / 2)), male, cut]);
  const cams = [
    { id: 'gone', url: join(dir, 'no-such-recording.mp4') },
    { id: 'cut', url: cut },
    { id: 'good', url: join(SAMPLES, 'head-pose-face-detection-female.mp4') },
  ];
  const { file, storage } = makeConfig(cams, '', dir);

  const d = startDaemon(file, ['--until-done']);
  const code = await ended(d, 180_000);
  const out = d.output();
  assert.equal(code, ExitCode.NOINPUT, out.slice(-4000));
  const help = cli(['run', '--help']).stdout.replace(/\s+/g, ' ');
  assert.ok(help.includes(`${ExitCode.NOINPUT} --until-done: some camera ended with an error`), help);
  assert.ok(help.includes(`cannot be opened after ${UNTIL_DONE_RETRIES} retries`), help);
  assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').includes(`${ExitCode.NOINPUT} \`run --until-done\` ended but some camera`), 'README: exit codes');
  const summary = out.split('\n').filter((l) => l.startsWith('faceidx: '));
  assert.equal(summary.length, 3, summary.join('\n'));
  assert.match(summary.find((l) => l.includes('"gone"')) ?? '', new RegExp(`camera "gone" ended with an error, after ${UNTIL_DONE_RETRIES} retries: no such file .*\\[FACEIDX_FEED_INPUT\\]`));
  assert.match(summary.find((l) => l.includes('"cut"')) ?? '', /camera "cut" ended with an error: truncated file/);
  assert.ok(!summary.some((l) => l.includes('"good"')), summary.join('\n'));
  assert.match(summary.at(-1)!, /2 of 3 cameras ended with an error/);

  const feeds = new Map(readStatusJson(storage)!.feeds.map((f) => [f.cameraId, f]));
  assert.equal(feeds.get('good')?.state, 'done');
  assert.equal(feeds.get('gone')?.state, 'error');
  assert.equal(feeds.get('cut')?.state, 'error');

  const listed = cli(['people', '--config', file, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const people = JSON.parse(listed.stdout) as Person[];
  const fromGood = people.filter((p) => p.cameras.includes('good'));
  assert.equal(fromGood.length, 1, JSON.stringify(people));
  assert.ok(fromGood[0]!.faces >= 2, JSON.stringify(fromGood));
});

test('as a service (no --until-done) a missing file is retried past the batch limit and the daemon keeps running', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faceidx-service-'));
  const { file, storage } = makeConfig([{ id: 'gone', url: join(dir, 'arrives-later.mp4') }], '', dir);
  const d = startDaemon(file);
  const gone = await waitFor(
    'retries past the batch limit',
    () => readStatusJson(storage)?.feeds.find((f) => f.cameraId === 'gone' && f.restarts > UNTIL_DONE_RETRIES),
    120_000,
  );
  assert.match(gone.lastError ?? '', /no such file/);
  assert.equal(d.child.exitCode, null, 'still running');
  d.child.kill('SIGTERM');
  assert.equal(await ended(d, 60_000), 0, d.output().slice(-4000));
});
