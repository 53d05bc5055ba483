/** `faceidx probe` through the real CLI process. */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { CLASSROOM, freePort } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('faceidx probe', () => {
  test('--json reports url, size, frames, first frame time and fps', async () => {
    const r = await cli(['probe', CLASSROOM, '--frames', '3', '--fps', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), ['firstFrameMs', 'fps', 'frames', 'height', 'url', 'width']);
    assert.equal(out.url, CLASSROOM);
    assert.equal(out.width, 480);
    assert.equal(out.height, 270);
    assert.equal(out.frames, 3);
    assert.ok(typeof out.firstFrameMs === 'number' && out.firstFrameMs >= 0);
  });

  test('unreachable camera: exit 69, the message names the cause, the password is redacted', async () => {
    const port = await freePort();
    const r = await cli(['probe', `rtsp://admin:Sup3r-s3cret@127.0.0.1:${port}/stream1`, '--json', '--timeout', '5']);
    assert.equal(r.code, 69);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /connection refused/);
    assert.ok(r.stderr.includes(`rtsp://admin:***@127.0.0.1:${port}/stream1`), r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes('Sup3r-s3cret'));
  });
});
