/**
 * The HNSW index over clusterable face descriptors (hnswlib-node), saved in the storage folder
 * as `faces.hnsw` plus `faces.hnsw.json` (size, SHA-256, parameters). The SQLite store stays the
 * source of truth: `syncWithStore` catches the index up, or rebuilds it when its file is missing,
 * stale or corrupt (never fatal). Labels are face ids; distances are Euclidean.
 *
 * hnswlib calls are synchronous, so `add` inserts in chunks and yields to the event loop
 * between them (about every 20 ms); a rebuild fills a new index while the old one keeps serving
 * queries, and only replaces it (and, via save, its file, by rename) once complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { FaceidxError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { DIM, validateDescriptor } from './validate.js';

export const INDEX_FILE = 'faces.hnsw';
const META_FILE = `${INDEX_FILE}.json`;
const SLICE_MS = 20;

export interface FaceIndexOptions {
  /** Storage folder; null keeps the index in memory only (eval, bench). */
  dir: string | null;
  M: number;
  efConstruction: number;
  ef: number;
  log: Logger;
  /** Initial capacity of a new index (it grows by doubling). */
  capacity?: number;
}

interface IndexMeta {
  version: 1;
  dim: number;
  M: number;
  efConstruction: number;
  bytes: number;
  sha256: string;
  count: number;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FaceIndex {
  private hnsw: hnswlib.HierarchicalNSW;
  private live = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Why the file was not loaded ('missing', 'corrupt: ...'), or null if it was. */
  loadProblem: string | null = null;

  private constructor(private readonly opts: FaceIndexOptions, hnsw: hnswlib.HierarchicalNSW) {
    this.hnsw = hnsw;
  }

  /** Opens the saved index if it is intact, else starts empty (call syncWithStore next). */
  static async open(opts: FaceIndexOptions): Promise<FaceIndex> {
    const index = new FaceIndex(opts, FaceIndex.empty(opts, opts.capacity ?? 1024));
    if (opts.dir !== null) {
      await mkdir(opts.dir, { recursive: true, mode: 0o700 });
      index.loadProblem = await index.load(opts.dir);
      if (index.loadProblem) opts.log.warn({ problem: index.loadProblem }, 'index file not used; it will be rebuilt from the store');
    }
    return index;
  }

  private static empty(opts: FaceIndexOptions, capacity: number): hnswlib.HierarchicalNSW {
    const h = new hnswlib.HierarchicalNSW('l2', DIM);
    h.initIndex(Math.max(16, capacity), opts.M, opts.efConstruction, 100, true);
    h.setEf(opts.ef);
    return h;
  }

  private async load(dir: string): Promise<string | null> {
    const file = join(dir, INDEX_FILE);
    let meta: IndexMeta;
    try {
      meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as IndexMeta;
    } catch {
      return 'missing';
    }
    try {
      const st = await stat(file);
      if (meta.dim !== DIM || meta.M !== this.opts.M) return `built with other parameters (dim ${meta.dim}, M ${meta.M})`;
      if (st.size !== meta.bytes) return `corrupt: ${st.size} bytes, expected ${meta.bytes}`;
      if ((await sha256(file)) !== meta.sha256) return 'corrupt: checksum mismatch';
      const h = new hnswlib.HierarchicalNSW('l2', DIM);
      await h.readIndex(file, true);
      h.setEf(this.opts.ef);
      this.hnsw = h;
      this.live = new Set(h.getIdsList());
      return null;
    } catch (err) {
      return `unreadable: ${(err as Error).message}`;
    }
  }

  /** The storage folder (null in memory mode). */
  get dir(): string | null {
    return this.opts.dir;
  }

  /** Live (searchable) faces. */
  get size(): number {
    return this.live.size;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  /** Runs index mutations one after another (adds, rebuilds, saves). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Adds (or replaces) faces; validates every descriptor first, grows capacity, yields between chunks. */
  async add(items: ReadonlyArray<{ id: number; descriptor: Float32Array }>): Promise<void> {
    for (const it of items) {
      if (!Number.isSafeInteger(it.id) || it.id < 0) throw new FaceidxError('FACEIDX_INDEX', `face id ${it.id} is not a non-negative integer`, 'pass the id the store gave the face');
      validateDescriptor(it.descriptor, it.id);
    }
    return this.serial(() => this.insertInto(this.hnsw, this.live, items));
  }

  private async insertInto(h: hnswlib.HierarchicalNSW, live: Set<number>, items: ReadonlyArray<{ id: number; descriptor: Float32Array }>): Promise<void> {
    const needed = h.getCurrentCount() + items.length;
    if (needed > h.getMaxElements()) h.resizeIndex(Math.max(needed, h.getMaxElements() * 2));
    let sliceStart = performance.now();
    for (const it of items) {
      h.addPoint(Array.from(it.descriptor), it.id, false);
      live.add(it.id);
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldNow();
        sliceStart = performance.now();
      }
    }
  }

  /** The k nearest live faces, nearest first, with Euclidean distances. */
  knn(d: Float32Array, k: number): Array<{ id: number; distance: number }> {
    validateDescriptor(d);
    const n = Math.min(k, this.live.size);
    if (n <= 0) return [];
    if (this.hnsw.getEf() < n) this.hnsw.setEf(n);
    const r = this.hnsw.searchKnn(Array.from(d), n);
    return r.neighbors.map((id, i) => ({ id, distance: Math.sqrt(r.distances[i]!) }));
  }

  /** Hides faces from search (forgotten or deleted). Unknown ids are ignored. */
  remove(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.live.delete(id)) continue;
      try {
        this.hnsw.markDelete(id);
      } catch {
        // already hidden in the file we loaded
      }
    }
  }

  /** Writes the index atomically (temporary files, then rename). No-op in memory mode. */
  save(): Promise<void> {
    return this.serial(() => this.saveNow());
  }

  private async saveNow(): Promise<void> {
    const dir = this.opts.dir;
    if (dir === null) return;
    const file = join(dir, INDEX_FILE);
    await this.hnsw.writeIndex(`${file}.tmp`);
    const meta: IndexMeta = {
      version: 1,
      dim: DIM,
      M: this.opts.M,
      efConstruction: this.opts.efConstruction,
      bytes: (await stat(`${file}.tmp`)).size,
      sha256: await sha256(`${file}.tmp`),
      count: this.live.size,
    };
    await writeFile(join(dir, `${META_FILE}.tmp`), JSON.stringify(meta), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    await rename(join(dir, `${META_FILE}.tmp`), join(dir, META_FILE));
  }

  /**
   * Makes the index match the store's clusterable faces: adds what is missing, hides what is
   * gone, or rebuilds from scratch when the file was not loaded or most of it is stale.
   */
  syncWithStore(store: Store): Promise<{ added: number; removed: number; rebuilt: boolean }> {
    return this.serial(async () => {
      const ids = await store.faces.ids(true);
      const want = new Set(ids);
      const extra = [...this.live].filter((id) => !want.has(id));
      const missing = ids.filter((id) => !this.live.has(id));
      const rebuild = this.loadProblem !== null || (ids.length > 0 && missing.length + extra.length > ids.length / 2 && missing.length > 1000);
      if (rebuild) {
        await this.rebuild(store, ids.length);
        await this.saveNow();
        this.opts.log.info({ faces: this.live.size, reason: this.loadProblem ?? 'stale' }, 'index rebuilt from the store');
        this.loadProblem = null;
        return { added: this.live.size, removed: 0, rebuilt: true };
      }
      this.remove(extra);
      if (missing.length > 0) await this.addFromStore(store, this.hnsw, this.live, new Set(missing), missing[0]! - 1);
      if (missing.length + extra.length > 0) await this.saveNow();
      return { added: missing.length, removed: extra.length, rebuilt: false };
    });
  }

  /** Fills a new index from the store, then swaps it in (the old one serves queries meanwhile). */
  private async rebuild(store: Store, count: number): Promise<void> {
    const h = FaceIndex.empty(this.opts, count + 16);
    const live = new Set<number>();
    await this.addFromStore(store, h, live, null, 0);
    this.hnsw = h;
    this.live = live;
  }

  private async addFromStore(store: Store, h: hnswlib.HierarchicalNSW, live: Set<number>, only: Set<number> | null, after: number): Promise<void> {
    for (let last = after; ; ) {
      const rows = await store.faces.vectorsAfter(last, 2000, true);
      if (rows.length === 0) return;
      last = rows[rows.length - 1]!.id;
      const items = rows.filter((r) => (only === null || only.has(r.id)) && this.usable(r));
      await this.insertInto(h, live, items);
    }
  }

  private usable(row: { id: number; descriptor: Float32Array }): boolean {
    try {
      validateDescriptor(row.descriptor, row.id);
      return true;
    } catch (err) {
      this.opts.log.warn({ face: row.id, err: (err as Error).message }, 'stored face skipped by the index');
      return false;
    }
  }

  /** Stored vector of a face (for re-queries); undefined if unknown. */
  vector(id: number): Float32Array | undefined {
    if (!this.live.has(id)) return undefined;
    return Float32Array.from(this.hnsw.getPoint(id));
  }
}
