/**
 * Files that hold faces or face vectors (the index, the graph, exports, caches of descriptors)
 * are private to the user faceidx runs as: 0600, in folders created 0700. A file's mode is set
 * after it is opened, so writing onto an existing file (created by someone else, or by an older
 * faceidx, with a wider mode) makes it private too; `open(..., 'w')` empties it before the mode
 * changes, so the new content is never readable under the old mode.
 */
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Writes `data` to `file` (created or replaced in place), mode 0600 whatever the file had before. */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(file, 'w', PRIVATE_FILE);
  try {
    await fh.chmod(PRIVATE_FILE);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

export function writePrivateFileSync(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w', PRIVATE_FILE);
  try {
    fchmodSync(fd, PRIVATE_FILE);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } finally {
    closeSync(fd);
  }
}

/** A file written by a library (hnswlib, ffmpeg) under its own default mode: made 0600. */
export async function makePrivate(file: string): Promise<void> {
  await chmod(file, PRIVATE_FILE);
}

/** Creates `dir` and any missing parents with mode 0700 (a umask only narrows it); an existing folder keeps its mode. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
}

export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
}
