import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, ConfigError, formatProblem } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';
import { cli } from '../cli/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'faceidx-config-'));
const storage = join(dir, 'store');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problems(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

const minimal = (cams = '') => `storage:
  dir: ${storage}
cameras:
  - id: lobby
    url: /srv/footage/lobby.mp4
    fps: 2
${cams}`;

test('the minimal file from the issue is valid and gets every default', () => {
  const cfg = loadConfig(write('min.yaml', minimal()));
  assert.equal(cfg.storage.dir, storage);
  assert.equal(cfg.cameras.length, 1);
  assert.equal(cfg.cameras[0]!.fps, 2);
  assert.equal(cfg.cameras[0]!.decode, 'all');
  assert.equal(cfg.cameras[0]!.stallTimeout, 20_000);
  assert.equal(cfg.inference.device, 'auto');
  assert.equal(cfg.clustering.threshold, 0.5);
  assert.equal(cfg.shutdown.deadline, 10_000);
  assert.equal(cfg.logging.level, 'info');
});

test('the validated config is frozen, deeply', () => {
  const cfg = loadConfig(write('frozen.yaml', minimal()));
  assert.ok(Object.isFrozen(cfg));
  assert.ok(Object.isFrozen(cfg.cameras));
  assert.ok(Object.isFrozen(cfg.cameras[0]));
  assert.throws(() => {
    (cfg.cameras[0] as { fps: number }).fps = 5;
  }, TypeError);
});

test('a misspelt key names its line and the key, with a suggestion', () => {
  const file = write(
    'typo.yaml',
    `storage:\n  dir: ${storage}\ncameras:\n  - id: lobby\n    url: /srv/a.mp4\n    fsp: 2\n`,
  );
  const [p, ...rest] = problems(() => loadConfig(file));
  assert.equal(rest.length, 0);
  assert.equal(p!.line, 6);
  assert.equal(p!.path, 'cameras.0.fsp');
  assert.match(p!.message, /unknown key "fsp".*did you mean "fps"/);
  assert.match(formatProblem(p!), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6: cameras\\.0\\.fsp: `));
});

test('unknown top-level and nested section keys are rejected', () => {
  const ps = problems(() => parseConfig(`${minimal()}detector:\n  minScore: 0.4\n  colour: red\nfoo: 1\n`, 'x.yaml'));
  const paths = ps.map((p) => p.path).sort();
  assert.deepEqual(paths, ['detector.colour', 'foo']);
  assert.equal(ps.find((p) => p.path === 'foo')!.line, 10);
  assert.equal(ps.find((p) => p.path === 'detector.colour')!.line, 9);
});

test('wrong types name the line of the value', () => {
  const ps = problems(() => parseConfig(minimal().replace('fps: 2', 'fps: fast'), 'x.yaml'));
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.line, 6);
  assert.equal(ps[0]!.path, 'cameras.0.fps');
  assert.match(ps[0]!.message, /number/);
});

test('out-of-range values and bad enums are errors', () => {
  const ps = problems(() => parseConfig(`${minimal()}inference:\n  device: tpu\nclustering:\n  threshold: -1\n`, 'x.yaml'));
  assert.deepEqual(ps.map((p) => p.path).sort(), ['clustering.threshold', 'inference.device']);
});

test('a YAML syntax error names its line', () => {
  const ps = problems(() => parseConfig('storage:\n  dir: /x\ncameras:\n  - id: a\n    url: [unclosed\n', 'bad.yaml'));
  assert.ok(ps.length >= 1);
  assert.match(ps[0]!.message, /YAML syntax error/);
  assert.ok(ps[0]!.line >= 5, `line ${ps[0]!.line}`);
});

test('duplicate camera ids point at the second one', () => {
  const ps = problems(() => parseConfig(minimal('  - id: lobby\n    url: /srv/b.mp4\n'), 'dup.yaml'));
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.path, 'cameras.1.id');
  assert.equal(ps[0]!.line, 7);
  assert.match(ps[0]!.message, /duplicate camera id "lobby"/);
});

test('duplicate YAML keys are an error', () => {
  const ps = problems(() => parseConfig(`storage:\n  dir: /a\n  dir: /b\ncameras: []\n`, 'dupkey.yaml'));
  assert.equal(ps[0]!.line, 3);
});

test('a missing required key is reported at its parent', () => {
  const ps = problems(() => parseConfig('storage:\n  thumbnails: true\ncameras: []\n', 'nodir.yaml'));
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.path, 'storage.dir');
  assert.equal(ps[0]!.line, 2);
  assert.match(ps[0]!.message, /required/);
});

test('a missing file and an empty file are clear errors', () => {
  const missing = problems(() => loadConfig(join(dir, 'nope.yaml')));
  assert.match(missing[0]!.message, /file not found/);
  const empty = problems(() => loadConfig(write('empty.yaml', '# nothing\n')));
  assert.match(empty[0]!.message, /empty/);
});

test('${ENV} substitution: set, default, escaped, and a missing variable with its line', () => {
  const text = `storage:\n  dir: ${storage}\ncameras:\n  - id: gate\n    url: rtsp://viewer:\${CAM_PASS}@127.0.0.1/s\n  - id: yard\n    url: \${YARD_URL:-/srv/yard.mp4}\n  - id: lit\n    url: /srv/$\${literal}.mp4\n`;
  const cfg = parseConfig(text, join(dir, 'env.yaml'), { env: { CAM_PASS: 's3cret' } });
  assert.equal(cfg.cameras[0]!.url, 'rtsp://viewer:s3cret@127.0.0.1/s');
  assert.equal(cfg.cameras[1]!.url, '/srv/yard.mp4');
  assert.equal(cfg.cameras[2]!.url, '/srv/${literal}.mp4');
  const ps = problems(() => parseConfig(text, 'env.yaml', { env: {} }));
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.line, 5);
  assert.match(ps[0]!.message, /CAM_PASS is not set/);
  assert.doesNotMatch(ps[0]!.message, /s3cret/);
  const lenient = parseConfig(text, 'env.yaml', { env: {}, allowMissingEnv: true, checkStorage: false });
  assert.equal(lenient.cameras[0]!.url, 'rtsp://viewer:${CAM_PASS}@127.0.0.1/s');
});

test('relative paths resolve against the config file; URLs stay as they are', () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub, { recursive: true });
  const file = join(sub, 'rel.yaml');
  writeFileSync(file, 'storage:\n  dir: ./state\ncameras:\n  - id: a\n    url: ../clips/a.mp4\n  - id: b\n    url: http://127.0.0.1:8080/s.mjpg\n');
  const cfg = loadConfig(file);
  assert.equal(cfg.storage.dir, join(sub, 'state'));
  assert.equal(cfg.cameras[0]!.url, join(dir, 'clips', 'a.mp4'));
  assert.equal(cfg.cameras[1]!.url, 'http://127.0.0.1:8080/s.mjpg');
});

test('a storage dir that cannot be created names storage.dir and its line', () => {
  const blocker = write('a-file', 'x');
  const ps = problems(() => parseConfig(`cameras: []\nstorage:\n  dir: ${join(blocker, 'state')}\n`, 'st.yaml'));
  assert.equal(ps.length, 1);
  assert.equal(ps[0]!.path, 'storage.dir');
  assert.equal(ps[0]!.line, 3);
  assert.match(ps[0]!.message, /not a folder/);
});

test('durations parse in every unit and reject nonsense', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('30d'), 2_592_000_000);
  assert.equal(parseDuration(2), 2000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration(-1), undefined);
  const ps = problems(() => parseConfig(`${minimal()}shutdown:\n  deadline: soon\n`, 'd.yaml'));
  assert.equal(ps[0]!.path, 'shutdown.deadline');
  assert.match(ps[0]!.message, /not a duration/);
});

test('the example config documents a valid file', () => {
  const cfg = loadConfig(new URL('../../config/faceidx.example.yaml', import.meta.url).pathname, {
    env: { GATE_PASSWORD: 'x' },
    checkStorage: false,
  });
  assert.equal(cfg.cameras.length, 3);
});

test('issue 21: a "billion laughs" file is exit 78 with a line saying it has too many aliases, not a crash', async () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [i, n] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) laughs.push(`${n}: &${n} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`);
  const file = write('laughs.yaml', `${laughs.join('\n')}\n${minimal()}`);
  const [p] = problems(() => loadConfig(file));
  assert.equal(p!.line, 2);
  assert.match(p!.message, /too many aliases/);
  const r = await cli('config', 'check', file);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /laughs\.yaml:2: the file has too many aliases/);
  assert.ok(!/at \w+ \(/.test(r.stderr), 'no stack trace');
  // A few aliases are fine.
  const few = parseConfig(minimal('  - {id: door, url: /d.mp4, fps: &f 3}\n  - {id: gate, url: /g.mp4, fps: *f}\n'), 'ok.yaml', { checkStorage: false });
  assert.deepEqual(few.cameras.map((c) => c.fps), [2, 3, 3]);
});

test('issue 21: a webhook URL with credentials is refused (exit 78) saying where the token goes instead; the URL is not echoed', async () => {
  for (const url of ['https://bob:hunter2hunter@hooks.example.org/x', 'https://hooks.example.org/x?token=hunter2hunter', 'https://hooks.example.org/x?a=1&API_KEY=hunter2hunter']) {
    const file = write('hook.yaml', `${minimal()}alerts:\n  webhook:\n    url: ${url}\n`);
    const [p] = problems(() => loadConfig(file));
    assert.equal(p!.path, 'alerts.webhook.url');
    assert.match(p!.message, /holds credentials .*alerts\.webhook\.headers .*alerts\.webhook\.secret/);
    const r = await cli('config', 'check', file);
    assert.equal(r.code, 78);
    assert.ok(!r.stderr.includes('hunter2'), r.stderr);
  }
});

test('issue 21: plain http:// webhooks only to loopback, unless alerts.webhook.allowPlainHttp', () => {
  const hook = (url: string, extra = '') => parseConfig(`${minimal()}alerts:\n  webhook:\n    url: ${url}\n${extra}`, 'h.yaml', { checkStorage: false });
  const [p] = problems(() => hook('http://hooks.example.org/x'));
  assert.equal(p!.path, 'alerts.webhook.url');
  assert.match(p!.message, /unencrypted: use https:\/\/, or set alerts\.webhook\.allowPlainHttp: true/);
  for (const ok of ['https://hooks.example.org/x', 'http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x']) assert.equal(hook(ok).alerts.webhook.url, ok);
  assert.equal(hook('http://10.0.0.5/x', '    allowPlainHttp: true\n').alerts.webhook.allowPlainHttp, true);
});

test('issue 21: config check --json shows no password, secret or header value', async () => {
  const file = write('secrets.yaml', `${minimal('  - {id: gate, url: "rtsp://admin:${GATE_PW}@cam/s?token=tok3n"}\n')}alerts:\n  webhook:\n    url: https://hooks.example.org/x\n    secret: hmac-s3cret\n    headers:\n      Authorization: Bearer hdr-t0ken\n  mqtt:\n    url: mqtt://user:mqtt-pw@127.0.0.1:1883\n`);
  const prev = process.env['GATE_PW'];
  process.env['GATE_PW'] = 'gate-pw-123';
  try {
    const r = await cli('config', 'check', '--json', file);
    assert.equal(r.code, 0, r.stderr);
    for (const secret of ['gate-pw-123', 'tok3n', 'hmac-s3cret', 'hdr-t0ken', 'mqtt-pw']) assert.ok(!r.stdout.includes(secret), `${secret} in ${r.stdout}`);
    const shown = JSON.parse(r.stdout) as { cameras: Array<{ url: string }>; alerts: { webhook: { headers: Record<string, string> } } };
    assert.equal(shown.cameras[1]!.url, 'rtsp://admin:***@cam/s?token=***');
    assert.deepEqual(shown.alerts.webhook.headers, { Authorization: '***' });
  } finally {
    if (prev === undefined) delete process.env['GATE_PW'];
    else process.env['GATE_PW'] = prev;
  }
});
