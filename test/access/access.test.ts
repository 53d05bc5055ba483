/** The access parts of the review site: password hashes, sessions, roles (pure or in memory). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/access/passwords.js';
import { can } from '../../src/access/roles.js';
import { SessionStore, userStamp } from '../../src/access/sessions.js';
import { safeNext } from '../../src/web/auth.js';
import type { UserRow } from '../../src/store/index.js';

test('passwords: scrypt hashes with a salt; only the right password verifies; malformed hashes never do', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
  assert.notEqual(a, b, 'salted: the same password hashes differently');
  assert.ok(!a.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
  for (const bad of ['', 'plain', 'scrypt$32768$8$1$abc', a.replace('$32768$', '$3$'), a.replace('scrypt', 'md5'), a.slice(0, -8)]) {
    assert.equal(await verifyPassword('correct horse battery', bad), false, bad);
  }
  assert.equal(passwordProblem('short'), 'a password needs at least 10 characters');
  assert.equal(passwordProblem('two\nlines here'), 'a password is one line');
  assert.equal(passwordProblem('long enough!'), undefined);
  await assert.rejects(hashPassword('short'), /at least 10 characters/);
});

const user = (over: Partial<UserRow> = {}): UserRow => ({ id: 1, name: 'alice', role: 'reviewer', passwordHash: 'scrypt$x', createdAt: 0, updatedAt: 0, ...over });

test('sessions: random ids; end after the idle time, after the maximum age, on delete and per user; peek does not count as use', () => {
  let now = 1_000_000;
  const store = new SessionStore({ idleMs: 1000, maxMs: 5000, now: () => now });
  const s = store.create(user());
  const t = store.create(user({ name: 'bob' }));
  assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(s.id, t.id);
  assert.equal(store.get(s.id)?.user, 'alice');
  now += 900;
  assert.ok(store.get(s.id), 'used within the idle time');
  now += 900;
  assert.ok(store.peek(s.id), 'still within the idle time');
  now += 900;
  assert.equal(store.peek(s.id), undefined, 'peek did not restart the idle clock: 1800 ms since the last use');
  const u = store.create(user());
  for (let i = 0; i < 6; i++) {
    now += 900;
    store.get(u.id);
  }
  assert.equal(store.get(u.id), undefined, 'used all along, but past the maximum age');
  const v = store.create(user());
  store.create(user());
  assert.equal(store.deleteUser('alice'), 2);
  assert.equal(store.get(v.id), undefined);
  assert.equal(store.get(undefined), undefined);
  assert.equal(store.get('not-a-session'), undefined);
});

test('user stamp: changes with the password or the role, so sessions opened before end', () => {
  const base = userStamp(user());
  assert.equal(userStamp(user()), base);
  assert.notEqual(userStamp(user({ passwordHash: 'scrypt$y' })), base);
  assert.notEqual(userStamp(user({ role: 'admin' })), base);
  assert.notEqual(userStamp(user({ id: 2 })), base, 'a user removed and added again under the same name');
});

test('roles: read-only looks and searches, reviewer reviews, admin also forgets and removes watch entries', () => {
  assert.deepEqual((['view', 'search', 'label', 'merge', 'not', 'watch-add', 'undo', 'forget', 'watch-remove'] as const).map((a) => [can('read-only', a), can('reviewer', a), can('admin', a)]), [
    [true, true, true],
    [true, true, true],
    [false, true, true],
    [false, true, true],
    [false, true, true],
    [false, true, true],
    [false, true, true],
    [false, false, true],
    [false, false, true],
  ]);
});

test('after login, only a path of this site is followed', () => {
  assert.equal(safeNext('/person/3?page=2'), '/person/3?page=2');
  for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '', undefined, 7, '/ spaced']) assert.equal(safeNext(bad), '/people', String(bad));
});
