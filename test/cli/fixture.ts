/** Shared by the CLI tests: a real store with known people, a config pointing at it, and an in-process CLI runner. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildProgram, runCli } from '../../src/cli/program.js';
import { redirectStdout } from '../../src/cli/output.js';
import { openStore, type NewFace, type Store } from '../../src/store/index.js';

export const MIN = 60_000;
export const HOUR = 3_600_000;
/** Fixed times three days ago (whole minutes), so relative --since/--older-than are predictable. */
export const T0 = Math.floor((Date.now() - 3 * 24 * HOUR) / MIN) * MIN;
export const RECENT = Math.floor((Date.now() - 10 * MIN) / 1000) * 1000;

export interface Fixture {
  root: string;
  dir: string;
  config: string;
  ids: { alice: number; bob: number; carol: number; merged: number; eve: number };
}

let faceSeq = 0;
function face(cameraId: string, ts: number, thumbnail?: Buffer): NewFace {
  const descriptor = Float32Array.from({ length: 128 }, () => Math.random() - 0.5);
  return {
    cameraId, ts, framePos: ts / 1000, faceIdx: faceSeq++,
    box: { x: 10, y: 20, width: 50, height: 60 }, score: 0.9, quality: 60, clusterable: true, descriptor, thumbnail,
  };
}

export async function jpeg(width: number, height: number, r = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r, g: 80, b: 40 } } }).jpeg().toBuffer();
}

async function addPerson(store: Store, faces: NewFace[], label?: string): Promise<number> {
  const id = await store.people.create();
  const faceIds = (await store.faces.insertMany(faces)).filter((f): f is number => f !== null);
  await store.people.assign(faceIds.map((f) => [f, id] as const));
  if (label) await store.people.setLabel(id, label);
  return id;
}

/** Writes `<root>/<name>`: storage.dir (plus `storageExtra` lines under storage), then `extra` top-level YAML. */
export function writeConfig(root: string, dir: string, extra = '', name = 'config.yaml', storageExtra = ''): string {
  const file = join(root, name);
  writeFileSync(file, `storage:\n  dir: ${JSON.stringify(dir)}\n${storageExtra}${extra}cameras: []\n`);
  return file;
}

/**
 * alice: 5 faces (lobby T0, +1m, +2m, +20m; door +3m), label "Alice, \"Al\"", thumbnails (40x40 JPEG).
 * bob: 3 faces on door at T0+1h (+30 s, +60 s), no thumbnails. carol: 1 face (lobby, T0+2h), unconfirmed.
 * merged: retired, merged into alice. eve: 3 faces on lobby 10 minutes ago.
 */
const roots: string[] = [];
process.once('exit', () => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

export async function buildFixture(): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), 'faceidx-cli-'));
  roots.push(root);
  const dir = join(root, 'state');
  const store = await openStore(dir);
  try {
    await store.cameras.upsert({ id: 'lobby', url: 'lobby.mp4', kind: 'file' });
    await store.cameras.upsert({ id: 'door', url: 'rtsp://cam/door', kind: 'rtsp' });
    const thumb = await jpeg(40, 40);
    const alice = await addPerson(
      store,
      [face('lobby', T0, thumb), face('lobby', T0 + MIN, thumb), face('lobby', T0 + 2 * MIN, thumb), face('lobby', T0 + 20 * MIN, thumb), face('door', T0 + 3 * MIN, thumb)],
      'Alice, "Al"',
    );
    const bob = await addPerson(store, [face('door', T0 + HOUR), face('door', T0 + HOUR + 30_000), face('door', T0 + HOUR + 60_000)]);
    const carol = await addPerson(store, [face('lobby', T0 + 2 * HOUR, thumb)]);
    const merged = await store.people.create();
    await store.people.retire(merged, alice);
    const eve = await addPerson(store, [face('lobby', RECENT - 2000), face('lobby', RECENT - 1000), face('lobby', RECENT)], 'Eve');
    return { root, dir, config: writeConfig(root, dir), ids: { alice, bob, carol, merged, eve } };
  } finally {
    await store.close();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `faceidx ...args` in this process. Command output comes through redirectStdout; stderr
 * (error lines) is captured by patching process.stderr (the test runner reports on stdout only).
 */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const origErr = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    err.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stderr.write;
  const restore = redirectStdout((text) => void out.push(text));
  try {
    const code = await runCli(['node', 'faceidx', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    restore();
    process.stderr.write = origErr;
  }
}

/** The full --help text of one command (as `faceidx <name> --help` prints it). */
export function helpOf(name: string): string {
  const program = buildProgram(() => undefined);
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) throw new Error(`no command ${name}`);
  let text = '';
  cmd.configureOutput({ writeOut: (s) => void (text += s), writeErr: (s) => void (text += s) });
  cmd.outputHelp();
  return text;
}
