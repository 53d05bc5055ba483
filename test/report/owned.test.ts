/**
 * Output folders (report, evidence export): a run removes only the files an earlier run listed
 * with their sha256, unchanged since; never a user's file, a changed file, or a path outside.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OwnedFolder, parseMarker, sha256, type OwnedLayout } from '../../src/report/owned.js';

const LAYOUT: OwnedLayout = { marker: 'marker.json', kind: 'report', dirs: ['img', 'person'], what: 'faceidx report' };
const root = mkdtempSync(join(tmpdir(), 'faceidx-owned-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `o${n++}`);

async function run(out: string, files: Record<string, string>, force = false): Promise<OwnedFolder> {
  const folder = await OwnedFolder.prepare(out, force, LAYOUT);
  for (const [path, data] of Object.entries(files)) await folder.write(path, data);
  await folder.finish({ version: 2 });
  return folder;
}

describe('owned output folder', () => {
  test('a second run removes what the first wrote and keeps the user\'s files beside them', async () => {
    const out = fresh();
    mkdirSync(join(out, 'img'), { recursive: true });
    writeFileSync(join(out, 'img', 'holiday.jpg'), 'mine');
    await assert.rejects(run(out, {}), /not empty and is not a faceidx report.*--force/);
    await run(out, { 'index.html': 'a', 'img/1.jpg': 'face', 'person/1.html': 'p' }, true);
    const marker = JSON.parse(readFileSync(join(out, 'marker.json'), 'utf8'));
    assert.deepEqual(marker.written.files.map((f: { path: string }) => f.path).sort(), ['img/1.jpg', 'index.html', 'person/1.html']);
    assert.deepEqual(marker.written.dirs, ['person'], 'img was the user\'s folder');
    await run(out, { 'index.html': 'b', 'img/2.jpg': 'face 2' });
    assert.deepEqual(readdirSync(join(out, 'img')).sort(), ['2.jpg', 'holiday.jpg']);
    assert.equal(readFileSync(join(out, 'img', 'holiday.jpg'), 'utf8'), 'mine');
    assert.deepEqual(readdirSync(join(out, 'person')), [], 'the first run\'s person page is gone (the folder is made anew)');
    assert.equal(readFileSync(join(out, 'index.html'), 'utf8'), 'b');
  });

  test('a listed file changed since is kept (and not overwritten); unlisted files and paths outside are never touched', async () => {
    const out = fresh();
    const outside = join(root, `outside-${n}.txt`);
    writeFileSync(outside, 'x');
    await run(out, { 'index.html': 'a', 'img/1.jpg': 'face' });
    writeFileSync(join(out, 'img', '1.jpg'), 'edited by the user');
    writeFileSync(join(out, 'img', '9.jpg'), 'x'); // same content as `outside`, unlisted
    const folder = await OwnedFolder.prepare(out, false, LAYOUT);
    assert.deepEqual(folder.changed, ['img/1.jpg']);
    await assert.rejects(folder.write('img/1.jpg', 'face'), /exists and is not a file this faceidx wrote.*not overwritten/);
    assert.equal(readFileSync(join(out, 'img', '1.jpg'), 'utf8'), 'edited by the user');
    await folder.finish({});
    // A marker that lists a file outside the folder is not a marker of ours: nothing is removed.
    const forged = { faceidx: 'report', written: { files: [{ path: '../' + outside.split('/').pop(), sha256: sha256('x') }, { path: 'img/9.jpg', sha256: sha256('x') }], dirs: [] } };
    writeFileSync(join(out, 'marker.json'), JSON.stringify(forged));
    await assert.rejects(OwnedFolder.prepare(out, true, LAYOUT), /does not list what faceidx wrote/);
    assert.ok(existsSync(outside) && existsSync(join(out, 'img', '9.jpg')));
  });

  test('a marker holding {} (or one of an older faceidx) is no marker: refused even with force, nothing removed', async () => {
    for (const text of ['{}', '{"faceidx":"report","version":1}', 'not json', '{"faceidx":"evidence","written":{"files":[],"dirs":[]}}']) {
      const out = fresh();
      mkdirSync(join(out, 'img'), { recursive: true });
      writeFileSync(join(out, 'marker.json'), text);
      writeFileSync(join(out, 'img', 'icon.png'), 'x');
      for (const force of [false, true]) await assert.rejects(OwnedFolder.prepare(out, force, LAYOUT), /does not list what faceidx wrote/, text);
      assert.equal(readFileSync(join(out, 'img', 'icon.png'), 'utf8'), 'x');
      assert.equal(readFileSync(join(out, 'marker.json'), 'utf8'), text);
    }
    assert.equal(parseMarker('{}', LAYOUT), undefined);
  });

  test('a listed file reached through a symbolic link is not removed; files are 0600, created folders 0700', async () => {
    const out = fresh();
    const elsewhere = join(root, `elsewhere-${n}`);
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, '1.jpg'), 'face');
    await run(out, { 'person/1.html': 'p' });
    assert.equal(statSync(join(out, 'person')).mode & 0o777, 0o700);
    assert.equal(statSync(join(out, 'person', '1.html')).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, 'marker.json')).mode & 0o777, 0o600);
    const marker = JSON.parse(readFileSync(join(out, 'marker.json'), 'utf8'));
    marker.written.files.push({ path: 'img/1.jpg', sha256: sha256('face') });
    writeFileSync(join(out, 'marker.json'), JSON.stringify(marker));
    rmSync(join(out, 'img'), { recursive: true });
    symlinkSync(elsewhere, join(out, 'img'));
    await assert.rejects(OwnedFolder.prepare(out, false, LAYOUT), /img exists and is not a folder/);
    assert.ok(existsSync(join(elsewhere, '1.jpg')));
  });
});
