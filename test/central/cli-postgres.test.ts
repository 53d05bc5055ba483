/**
 * The read commands give the same output on the shared PostgreSQL store as on SQLite: the CLI
 * fixture's store is copied into PostgreSQL (`faceidx store copy`) and every command runs on both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixture, cli, jpeg, T0 } from '../cli/fixture.js';
import { MODEL_DIR, SAMPLES } from '../e2e/harness.js';
import { openStore } from '../../src/store/index.js';
import { pgServer } from '../helpers/store-backends.js';

const inference = `inference:\n  device: cpu\n  workers: 0\n  modelDir: ${JSON.stringify(MODEL_DIR)}\n`;

test('people, person, search, montage, export, report, watch and alerts print the same on PostgreSQL as on SQLite', { timeout: 240_000 }, async () => {
  const fx = await buildFixture();
  const store = await openStore(fx.dir);
  const entry = await store.watch.add('suspect', [{ descriptor: new Float32Array(128).fill(0.05), source: 'suspect.jpg', box: { x: 1, y: 2, width: 30, height: 30 } }]);
  await store.alerts.insert({ entryId: entry!, entryName: 'suspect', cameraId: 'lobby', trackId: 1, faceId: 1, personId: fx.ids.alice, ts: T0 + 5000, distance: 0.4, thumbnail: await jpeg(20, 20) }, ['log'], T0 + 6000);
  await store.close();
  const sqlite = join(fx.root, 'sqlite.yaml');
  writeFileSync(sqlite, `site: office\nstorage:\n  dir: ${JSON.stringify(fx.dir)}\ncameras: []\n${inference}`);
  const url = await (await pgServer()).createDatabase();
  const postgres = join(fx.root, 'postgres.yaml');
  writeFileSync(postgres, `storage:\n  dir: ${JSON.stringify(join(fx.root, 'pg-state'))}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(url)}\n${inference}`);
  const copied = await cli('store', 'copy', '--from', sqlite, '--config', postgres);
  assert.equal(copied.code, 0, copied.stderr);

  const photo = join(fx.root, 'man.jpg');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', '1', '-i', join(SAMPLES, 'head-pose-face-detection-male.mp4'), '-frames:v', '1', photo]);
  const a = String(fx.ids.alice);
  const commands: string[][] = [
    ['people', '--json'], ['people', '--all', '--json'], ['people', '--camera', 'door'], ['people', '--since', new Date(T0 + 3_600_000).toISOString()],
    ['person', a, '--json'], ['person', a], ['person', String(fx.ids.merged)],
    ['export', '--format', 'json'], ['export', '--format', 'csv'],
    ['search', photo, '--json'], ['watch', 'list', '--json'], ['alerts', '--json'], ['alerts'],
    ['seen-with', a, '--json'], ['seen-with', a], ['route', a, '--json'], ['route', a],
  ];
  for (const args of commands) {
    const [onSqlite, onPostgres] = [await cli(...args, '--config', sqlite), await cli(...args, '--config', postgres)];
    assert.equal(onSqlite.code, 0, `${args.join(' ')}: ${onSqlite.stderr}`);
    assert.deepEqual(onPostgres, onSqlite, `faceidx ${args.join(' ')}`);
  }

  // Files: the montage byte for byte, the report page for page.
  for (const [config, name] of [[sqlite, 'a'], [postgres, 'b']] as const) {
    assert.equal((await cli('montage', a, '--out', join(fx.root, `${name}.jpg`), '--config', config)).code, 0);
    const r = await cli('report', '--out', join(fx.root, `report-${name}`), '--config', config);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.deepEqual(readFileSync(join(fx.root, 'b.jpg')), readFileSync(join(fx.root, 'a.jpg')));
  const pages = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.html')).sort();
  const [ra, rb] = [join(fx.root, 'report-a'), join(fx.root, 'report-b')];
  assert.deepEqual(pages(rb), pages(ra));
  // What may differ: when it was made, and the config the page's commands name.
  const stable = (html: string) => html.replace(/Made [^;<]*;/g, 'Made (when);').replace(/--config \S+?(sqlite|postgres)\.yaml/g, '--config (config)');
  for (const p of pages(ra)) assert.equal(stable(readFileSync(join(rb, p), 'utf8')), stable(readFileSync(join(ra, p), 'utf8')), p);
});
