/**
 * An output folder faceidx writes into but does not own as a whole (a report, an evidence
 * export): every file a run writes is listed, with its sha256, in the run's marker file. The next
 * run into the same folder removes exactly those files whose content is unchanged (and the
 * folders the earlier run created, once empty) and nothing else: a file the user put there, or a
 * listed file changed since, stays. Files are created exclusively (0600, folders 0700): a file
 * faceidx did not write is never overwritten; the run stops naming it instead.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FaceidxError } from '../errors.js';

/** What one kind of output writes: its marker file and the folders it may create. */
export interface OwnedLayout {
  /** The marker file (JSON) that lists what a run wrote, under `written`. */
  marker: string;
  /** The marker's `faceidx` field: which command wrote the folder. */
  kind: 'report' | 'evidence';
  /** Sub-folders files go into (one level; top-level files need none). */
  dirs: readonly string[];
  /** For messages: "faceidx report". */
  what: string;
}

export interface WrittenFile {
  /** Relative to the output folder, '/'-separated. */
  path: string;
  sha256: string;
}

/** The `written` field of a marker: the files a run wrote and the folders it created. */
export interface WrittenRecord {
  files: WrittenFile[];
  dirs: string[];
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A listed path is one this layout can write: a top-level file, or a file directly inside one of its folders. */
export function ownedPath(path: string, layout: OwnedLayout): boolean {
  const parts = path.split('/');
  const plain = (p: string) => p.length > 0 && p !== '.' && p !== '..' && !p.includes('\\') && !p.includes('\0');
  if (!parts.every(plain) || path === layout.marker) return false;
  return parts.length === 1 || (parts.length === 2 && layout.dirs.includes(parts[0]!));
}

/**
 * The record of a marker file's text, or undefined when the text is not a marker this layout
 * wrote (not JSON, `{}`, another kind, a marker of an older faceidx that listed no files, or a
 * listed path outside the layout).
 */
export function parseMarker(text: string, layout: OwnedLayout): WrittenRecord | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null || (m as { faceidx?: unknown }).faceidx !== layout.kind) return undefined;
  const w = (m as { written?: unknown }).written as { files?: unknown; dirs?: unknown } | undefined;
  if (typeof w !== 'object' || w === null || !Array.isArray(w.files) || !Array.isArray(w.dirs)) return undefined;
  const files: WrittenFile[] = [];
  for (const f of w.files as unknown[]) {
    const { path, sha256: hash } = (f ?? {}) as { path?: unknown; sha256?: unknown };
    if (typeof path !== 'string' || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash) || !ownedPath(path, layout)) return undefined;
    files.push({ path, sha256: hash });
  }
  const dirs = (w.dirs as unknown[]).filter((d): d is string => typeof d === 'string' && layout.dirs.includes(d));
  if (dirs.length !== w.dirs.length) return undefined;
  return { files, dirs };
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Removes the listed files that are still what was written (regular files, same sha256); returns those kept because they changed. */
async function removeWritten(out: string, record: WrittenRecord, layout: OwnedLayout): Promise<string[]> {
  const changed: string[] = [];
  const safeDirs = new Set<string>();
  for (const dir of layout.dirs) {
    const st = await lstat(join(out, dir)).catch(() => undefined);
    if (st?.isDirectory()) safeDirs.add(dir); // never through a symbolic link
  }
  for (const f of record.files) {
    const parts = f.path.split('/');
    if (parts.length === 2 && !safeDirs.has(parts[0]!)) continue;
    const file = join(out, ...parts);
    const st = await lstat(file).catch(() => undefined);
    if (!st) continue;
    if (!st.isFile() || sha256(await readFile(file)) !== f.sha256) {
      changed.push(f.path);
      continue;
    }
    await unlink(file);
  }
  for (const dir of record.dirs) {
    await rmdir(join(out, dir)).catch((err: unknown) => {
      if (code(err) !== 'ENOENT' && code(err) !== 'ENOTEMPTY' && code(err) !== 'EEXIST' && code(err) !== 'ENOTDIR') throw err;
    });
  }
  return changed;
}

export class OwnedFolder {
  private readonly files: WrittenFile[] = [];

  private constructor(
    readonly out: string,
    private readonly layout: OwnedLayout,
    private readonly dirs: string[],
    /** Files an earlier run wrote that changed since: kept. */
    readonly changed: string[],
  ) {}

  /**
   * Opens `out` for a new run: a new or empty folder is taken as is; one holding an earlier
   * run's marker gets that run's files removed (see removeWritten); anything else is refused
   * unless `force`, and even then nothing in it is removed or overwritten.
   */
  static async prepare(out: string, force: boolean, layout: OwnedLayout): Promise<OwnedFolder> {
    const st = await lstat(out).catch(() => undefined);
    if (st && !st.isDirectory()) throw new FaceidxError('FACEIDX_USAGE', `${out} exists and is not a folder`, 'choose another --out folder');
    let changed: string[] = [];
    let kept: string[] = [];
    if (st) {
      const entries = await readdir(out);
      const marker = join(out, layout.marker);
      const text = entries.includes(layout.marker) ? await readFile(marker, 'utf8').catch(() => '') : undefined;
      const record = text === undefined ? undefined : parseMarker(text, layout);
      if (record) {
        changed = await removeWritten(out, record, layout);
        await unlink(marker);
        kept = record.dirs;
      } else if (text !== undefined) {
        throw new FaceidxError(
          'FACEIDX_USAGE',
          `${out} holds a ${layout.marker} that does not list what faceidx wrote (not a ${layout.what}, or one of an older faceidx, which did not list its files); nothing was written or removed`,
          `choose a new or empty --out folder, or delete the old ${layout.what} yourself`,
        );
      } else if (entries.length > 0 && !force) {
        throw new FaceidxError(
          'FACEIDX_USAGE',
          `${out} exists, is not empty and is not a ${layout.what} (no ${layout.marker} in it); nothing was written or removed`,
          'choose a new or empty --out folder, or pass --force to add to it (faceidx then removes and overwrites nothing in it)',
        );
      }
    } else {
      await mkdir(out, { recursive: true, mode: 0o700 });
    }
    const dirs: string[] = [];
    for (const dir of layout.dirs) {
      const path = join(out, dir);
      const d = await lstat(path).catch(() => undefined);
      if (!d) {
        await mkdir(path, { mode: 0o700 });
        dirs.push(dir);
      } else if (!d.isDirectory()) {
        throw new FaceidxError('FACEIDX_USAGE', `${path} exists and is not a folder (a ${layout.what} writes its files there)`, 'move it away or choose another --out folder');
      } else if (kept.includes(dir)) {
        dirs.push(dir); // an earlier run's folder, still holding files it kept
      }
    }
    return new OwnedFolder(out, layout, dirs, changed);
  }

  /** Writes `data` to `path` (relative, '/'-separated), mode 0600; refuses to replace an existing file. */
  async write(path: string, data: string | Uint8Array): Promise<void> {
    if (!ownedPath(path, this.layout)) throw new Error(`not a path of a ${this.layout.what}: ${path}`);
    await this.create(path, data);
    this.files.push({ path, sha256: sha256(data) });
  }

  /** Writes the marker: `fields` plus `written`, the list of every file written so far. */
  async finish(fields: Record<string, unknown>): Promise<void> {
    const marker = { faceidx: this.layout.kind, ...fields, written: this.record() };
    await this.create(this.layout.marker, `${JSON.stringify(marker, null, 2)}\n`);
  }

  /** After a failed run: the marker lists what was written, so the next run removes it. */
  async abandon(): Promise<void> {
    await this.finish({ complete: false }).catch(() => undefined);
  }

  record(): WrittenRecord {
    return { files: [...this.files], dirs: [...this.dirs] };
  }

  private async create(path: string, data: string | Uint8Array): Promise<void> {
    const file = join(this.out, ...path.split('/'));
    let fh;
    try {
      fh = await open(file, 'wx', 0o600);
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
      throw new FaceidxError(
        'FACEIDX_USAGE',
        `${file} exists and is not a file this faceidx wrote there (or it changed since); it was not overwritten`,
        'move it away or choose another --out folder',
      );
    }
    try {
      await fh.chmod(0o600);
      await fh.writeFile(data);
    } finally {
      await fh.close();
    }
  }
}
