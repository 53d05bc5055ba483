/**
 * The HNSW index over clusterable face descriptors (hnswlib-node), saved in the storage folder
 * as `faces.hnsw` plus `faces.hnsw.json` (size, SHA-256, parameters). It knows nothing of the
 * store: it is given ids and vectors. The people core (src/people) is its only writer: it
 * catches the index up with the store, or rebuilds it when its file is missing, stale or
 * corrupt (never fatal). Labels are face ids; distances are Euclidean.
 *
 * hnswlib calls are synchronous, so `add` inserts in chunks and yields to the event loop
 * between them (about every 20 ms); a rebuild fills a new index while the old one keeps serving
 * queries, and only replaces it (and, via save, its file, by rename) once complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { FaceidxError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ensurePrivateDir, makePrivate, writePrivateFile } from '../runtime/private-files.js';
import { DIM, validateDescriptor } from './validate.js';

export const INDEX_FILE = 'faces.hnsw';

/** A face as the index sees it: its id (the store's) and its descriptor. */
export interface FaceVector {
  id: number;
  descriptor: Float32Array;
}
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

  /** Opens the saved index if it is intact, else starts empty (`loadProblem` says why). */
  static async open(opts: FaceIndexOptions): Promise<FaceIndex> {
    const index = new FaceIndex(opts, FaceIndex.empty(opts, opts.capacity ?? 1024));
    if (opts.dir !== null) {
      await ensurePrivateDir(opts.dir);
      index.loadProblem = await index.load(opts.dir);
      // No file yet is the normal state of a new store: nothing to warn about (the sync that
      // follows logs a rebuild when the store already holds faces).
      if (index.loadProblem === 'missing') opts.log.debug('no index file yet; it will be built from the store');
      else if (index.loadProblem) opts.log.warn({ problem: index.loadProblem }, 'the index file is not usable; it will be rebuilt from the store');
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
  async add(items: ReadonlyArray<FaceVector>): Promise<void> {
    for (const it of items) {
      if (!Number.isSafeInteger(it.id) || it.id < 0) throw new FaceidxError('FACEIDX_INDEX', `face id ${it.id} is not a non-negative integer`, 'pass the id the store gave the face');
      validateDescriptor(it.descriptor, it.id);
    }
    return this.serial(() => this.insertInto(this.hnsw, this.live, items));
  }

  private async insertInto(h: hnswlib.HierarchicalNSW, live: Set<number>, items: ReadonlyArray<FaceVector>): Promise<void> {
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
    await makePrivate(`${file}.tmp`); // face vectors: hnswlib creates the file under the umask (0644)
    const meta: IndexMeta = {
      version: 1,
      dim: DIM,
      M: this.opts.M,
      efConstruction: this.opts.efConstruction,
      bytes: (await stat(`${file}.tmp`)).size,
      sha256: await sha256(`${file}.tmp`),
      count: this.live.size,
    };
    await writePrivateFile(join(dir, `${META_FILE}.tmp`), JSON.stringify(meta));
    await rename(`${file}.tmp`, file);
    await rename(join(dir, `${META_FILE}.tmp`), join(dir, META_FILE));
  }

  /** Ids of the live (searchable) faces. */
  ids(): number[] {
    return [...this.live];
  }

  /**
   * Inserts faces arriving in batches (e.g. read from the store), skipping, with a warning, any
   * whose descriptor is unusable. `replace`: fills a new index and swaps it in once complete
   * (the old one serves queries meanwhile), which also clears `loadProblem`. Returns the faces added.
   */
  fill(batches: AsyncIterable<ReadonlyArray<FaceVector>>, opts: { replace: boolean; capacity?: number }): Promise<number> {
    return this.serial(async () => {
      const h = opts.replace ? FaceIndex.empty(this.opts, (opts.capacity ?? 0) + 16) : this.hnsw;
      const live = opts.replace ? new Set<number>() : this.live;
      let added = 0;
      for await (const batch of batches) {
        const items = batch.filter((r) => this.usable(r));
        await this.insertInto(h, live, items);
        added += items.length;
      }
      if (opts.replace) {
        this.hnsw = h;
        this.live = live;
        this.loadProblem = null;
      }
      return added;
    });
  }

  private usable(row: FaceVector): boolean {
    try {
      validateDescriptor(row.descriptor, row.id);
      return true;
    } catch (err) {
      this.opts.log.warn({ face: row.id, err: (err as Error).message }, 'face skipped by the index');
      return false;
    }
  }

  /** Stored vector of a face (for re-queries); undefined if unknown. */
  vector(id: number): Float32Array | undefined {
    if (!this.live.has(id)) return undefined;
    return Float32Array.from(this.hnsw.getPoint(id));
  }
}
