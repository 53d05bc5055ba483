import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../src/log/logger.js';

test('logs are one JSON object per line, filtered by level, with module fields', async () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const log = createLogger({ level: 'warn', destination: out, pretty: false });
  const child = log.child({ module: 'feed', camera: 'lobby' });
  child.info('hidden');
  child.warn({ restarts: 2 }, 'ffmpeg exited');
  await new Promise((r) => setImmediate(r));
  const lines = chunks.join('').trim().split('\n');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(entry.msg, 'ffmpeg exited');
  assert.equal(entry.level, 40);
  assert.equal(entry.module, 'feed');
  assert.equal(entry.camera, 'lobby');
  assert.equal(entry.restarts, 2);
  assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT/);
});
