/**
 * The review site over the shared PostgreSQL store shows what it shows over SQLite: the CLI
 * fixture's store is copied into PostgreSQL and the same pages are read from both sites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { hashPassword } from '../../src/access/passwords.js';
import { loadConfig } from '../../src/config/load.js';
import { openConfiguredStore } from '../../src/runtime/store-target.js';
import { buildSite, type Site } from '../../src/web/server.js';
import { buildFixture, cli } from '../cli/fixture.js';
import { pgServer } from '../helpers/store-backends.js';

const PASSWORD = 'correct horse battery';

async function loggedIn(site: Site): Promise<string> {
  const form = await site.app.inject({ method: 'GET', url: '/login' });
  const jar = (res: { headers: Record<string, unknown> }, had: string[] = []) =>
    [...had, ...([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []).map((l) => l.split(';')[0]!)];
  let cookies = jar(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const res = await site.app.inject({
    method: 'POST', url: '/login', headers: { cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, user: 'ana', password: PASSWORD, next: '/people' }).toString(),
  });
  cookies = jar(res, cookies);
  return cookies.join('; ');
}

test('the review pages read the same from PostgreSQL as from SQLite', { timeout: 120_000 }, async () => {
  const fx = await buildFixture();
  const sqlite = join(fx.root, 'sqlite.yaml');
  writeFileSync(sqlite, `storage:\n  dir: ${JSON.stringify(fx.dir)}\ncameras: []\n`);
  const url = await (await pgServer()).createDatabase();
  const postgres = join(fx.root, 'postgres.yaml');
  writeFileSync(postgres, `storage:\n  dir: ${JSON.stringify(join(fx.root, 'pg'))}\n  backend: postgres\n  postgres:\n    url: ${JSON.stringify(url)}\ncameras: []\n`);
  const copied = await cli('store', 'copy', '--from', sqlite, '--config', postgres);
  assert.equal(copied.code, 0, copied.stderr);

  const hash = await hashPassword(PASSWORD);
  const pages: Record<string, string[]> = {};
  for (const file of [sqlite, postgres]) {
    const config = loadConfig(file);
    const store = await openConfiguredStore(config, { migrate: true });
    await store.users.add('ana', 'admin', hash);
    const site = await buildSite({ config, store, log: pino({ level: 'silent' }), engine: async () => ({ analyze: async () => [] }) });
    const cookie = await loggedIn(site);
    const out: string[] = [];
    for (const path of ['/people', '/people?camera=door', `/person/${fx.ids.alice}`, `/person/${fx.ids.bob}`, '/camera/lobby', '/watch', `/api/candidates/${fx.ids.alice}`]) {
      const r = await site.app.inject({ method: 'GET', url: path, headers: { cookie } });
      assert.equal(r.statusCode, 200, `${path} on ${file}: ${r.body.slice(0, 300)}`);
      // What differs between two sites: their CSRF tokens.
      out.push(r.body.replace(/(name="(?:_csrf|csrf-token)" (?:value|content)=")[^"]+/g, '$1'));
    }
    pages[file] = out;
    await site.app.close();
    await store.close();
  }
  assert.ok(pages[sqlite]![0]!.includes('Alice'), 'the people page lists the fixture');
  assert.deepEqual(pages[postgres], pages[sqlite]);
});
