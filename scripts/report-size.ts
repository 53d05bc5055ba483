/**
 * How big and how slow `faceidx report` gets on a large store: builds a throwaway store of
 * synthetic people (src/eval/synthetic.ts descriptors, 112x112 JPEG thumbnails cut from the
 * sample clips' frames, so their size is a real face thumbnail's), writes the report and prints
 * its size, its largest page and the time taken.
 *
 *   node --import tsx scripts/report-size.ts [--people 10000] [--faces-per-person 10] [--cameras 12] [--keep DIR]
 *
 * With --keep DIR the store and report stay there; a store already in DIR is reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fillSyntheticStore } from '../src/eval/synthetic-store.js';
import { writeReport } from '../src/report/write.js';
import { openStore } from '../src/store/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' }, 'faces-per-person': { type: 'string', default: '10' }, cameras: { type: 'string', default: '12' }, keep: { type: 'string' } } });
const people = Number(values.people);
const perPerson = Number(values['faces-per-person']);
const cameras = Number(values.cameras);
const work = values.keep ?? mkdtempSync(join(tmpdir(), 'faceidx-report-size-'));

const t0 = Date.now();
const reuse = existsSync(join(work, 'state', 'faceidx.db'));
const store = await openStore(join(work, 'state'));
if (!reuse) await fill();
const built = Date.now();
process.stdout.write(`store: ${(await store.faces.count()).faces} faces, ${await store.people.countActive()} people, ${cameras} cameras${reuse ? ' (reused)' : ''}; built in ${((built - t0) / 1000).toFixed(1)} s\n`);

async function fill(): Promise<void> {
  const avgThumb = await fillSyntheticStore(store, { people, perPerson, cameras, samplesDir: join(root, 'samples') });
  process.stdout.write(`thumbnails ${avgThumb.toFixed(0)} B on average\n`);
}
const out = join(work, 'report');
const r = await writeReport(store, { out, configPath: '/etc/faceidx/config.yaml' });
await store.close();
const du = execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0];
const peoplePage = execFileSync('du', ['-b', join(out, 'people.html')], { encoding: 'utf8' }).split('\t')[0];
process.stdout.write(
  `report: ${r.pages} pages, ${r.images} image files, ${execFileSync('find', [out, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').length} files, ${(Number(du) / 1e6).toFixed(1)} MB on disk (du -sb); people.html ${(Number(peoplePage) / 1e6).toFixed(2)} MB; ` +
    `largest page ${r.largestPage.file} ${(r.largestPage.bytes / 1e6).toFixed(2)} MB; written in ${((Date.now() - built) / 1000).toFixed(1)} s\n`,
);
if (!values.keep) rmSync(work, { recursive: true, force: true });
