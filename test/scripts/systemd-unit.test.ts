/**
 * The systemd units as shipped: `scripts/verify-unit.sh` runs `systemd-analyze verify` and the
 * offline security exposure check on systemd/faceidx.service and systemd/faceidx-web.service. Part of `npm test`, so the
 * README's systemd section is checked wherever the tests run (CI included). Needs Debian's
 * `systemd` package (systemd-analyze; no running systemd, no root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { requireCommand } from '../helpers/prerequisites.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

test('systemd/faceidx.service and faceidx-web.service pass systemd-analyze verify and stay within the exposure limit', () => {
  requireCommand('systemd-analyze', 'systemd', 'the unit file check runs `systemd-analyze verify` and `systemd-analyze security --offline=yes`');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'verify-unit.sh')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  for (const unit of ['faceidx.service', 'faceidx-web.service']) {
    assert.match(r.stdout, new RegExp(`verify-unit: systemd-analyze verify: ok \\(${unit}\\)`));
    assert.match(r.stdout, new RegExp(`verify-unit: security exposure [0-9.]+ \\(max [0-9.]+\\) \\(${unit}\\)`));
  }
});
