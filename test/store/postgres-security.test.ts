/**
 * The PostgreSQL store over TCP with passwords and TLS: sslmode is honoured as libpq means it
 * (verify-full checks the CA and the host name; require encrypts), and the password never
 * appears in an error, a log line or the shipper's status.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openStore, PostgresDatabase } from '../../src/store/index.js';
import { Shipper } from '../../src/central/shipper.js';
import { createLogger } from '../../src/log/logger.js';
import { isFaceidxError } from '../../src/errors.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';
import { requireCommand } from '../helpers/prerequisites.js';

const PASSWORD = 'Pw-s3cr3t@with:odd/chars';
const certs = mkdtempSync(join(tmpdir(), 'faceidx-tls-'));
let server: PgServer;

/** A CA and a server certificate for `localhost` signed by it; and a second, unrelated CA. */
function makeCerts(): void {
  requireCommand('openssl', 'openssl', 'the TLS test makes a throwaway CA');
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });
  for (const ca of ['ca', 'other-ca']) run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(certs, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'server.crt');
}

before(async () => {
  makeCerts();
  server = await startPostgres({
    tcp: true,
    conf: ['ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'", "password_encryption = 'scram-sha-256'"],
    hba: ['local all all trust', 'hostssl all all 127.0.0.1/32 scram-sha-256', 'host all all 127.0.0.1/32 reject'],
    files: { 'server.crt': readFileSync(join(certs, 'server.crt'), 'utf8'), 'server.key': readFileSync(join(certs, 'server.key'), 'utf8') },
  });
  server.psql(`CREATE ROLE edge LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'; CREATE DATABASE shared OWNER edge;`);
});
after(() => server?.stop());

const url = (host: string, params: string, password = PASSWORD) =>
  `postgresql://edge:${encodeURIComponent(password)}@${host}:${server.port}/shared?${params}`;

test('sslmode=verify-full connects with the right CA and host name, and refuses another CA or a host name the certificate does not name', async () => {
  const ok = await PostgresDatabase.open(url('localhost', `sslmode=verify-full&sslrootcert=${join(certs, 'ca.crt')}`));
  assert.equal((await ok.get<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))?.ssl, true);
  await ok.close();
  for (const bad of [url('localhost', `sslmode=verify-full&sslrootcert=${join(certs, 'other-ca.crt')}`), url('127.0.0.1', `sslmode=verify-full&sslrootcert=${join(certs, 'ca.crt')}`)]) {
    await assert.rejects(PostgresDatabase.open(bad), (err: unknown) => {
      assert.ok(isFaceidxError(err, 'FACEIDX_STORAGE'), String(err));
      assert.match((err as Error).message, /TLS to the PostgreSQL store/);
      assert.doesNotMatch((err as Error).message, /s3cr3t/);
      return true;
    });
  }
  // require: encrypted, certificate not checked (libpq's meaning).
  const req = await PostgresDatabase.open(url('127.0.0.1', 'sslmode=require'));
  assert.equal((await req.get<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))?.ssl, true);
  await req.close();
  // disable: the server accepts no plain connection from there.
  await assert.rejects(PostgresDatabase.open(url('127.0.0.1', 'sslmode=disable')), (err: unknown) => !String(err).includes('s3cr3t'));
});

test('the password is in no error, log line or status', async () => {
  const wrong = url('localhost', `sslmode=verify-full&sslrootcert=${join(certs, 'ca.crt')}`, 'not-the-password');
  await assert.rejects(PostgresDatabase.open(wrong), (err: unknown) => {
    assert.ok(isFaceidxError(err, 'FACEIDX_STORAGE'));
    assert.match((err as Error).message, /edge@localhost:\d+\/shared refused the login/);
    assert.doesNotMatch((err as Error).message, /not-the-password/);
    return true;
  });
  const good = url('localhost', `sslmode=verify-full&sslrootcert=${join(certs, 'ca.crt')}`);
  const hub = await openStore({ backend: 'postgres', url: good });
  assert.doesNotMatch(hub.db.where, /s3cr3t/);
  await hub.close();
  let logged = '';
  const log = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => ((logged += String(c)), cb()) }) });
  const local = await openStore(join(mkdtempSync(join(tmpdir(), 'faceidx-edge-')), 'state'));
  await local.cameras.upsert({ id: 'cam', url: 'x.mp4', kind: 'file' });
  await local.faces.insertMany([{ cameraId: 'cam', ts: 1, framePos: 0, faceIdx: 0, box: { x: 0, y: 0, width: 9, height: 9 }, score: 1, quality: 1, clusterable: true, descriptor: new Float32Array(128) }]);
  const shipper = new Shipper({ local, site: 'a', url: good.replace(`${server.port}`, '1'), batch: 10, intervalMs: 10, retryMaxMs: 20, log });
  await assert.rejects(shipper.flush(), (err: unknown) => !String(err).includes('s3cr3t'));
  const status = JSON.stringify(shipper.status());
  assert.match(status, /"state":"down"/);
  await shipper.stop();
  await local.close();
  assert.match(logged, /cannot ship to the central store/);
  for (const text of [logged, status]) {
    assert.doesNotMatch(text, /s3cr3t/);
    assert.doesNotMatch(text, new RegExp(encodeURIComponent(PASSWORD)));
  }
});
