/**
 * Clusterer: the cluster stage as a service. It owns the in-memory engine (kNN graph + labels),
 * reads neighbours from the FaceIndex, and persists people in the store: temporary labels
 * become new person ids, changed faces are re-assigned, emptied people are retired (into the
 * person that took most of their faces). User constraints (must-link, cannot-link) are read
 * from the store and hold through every update and re-cluster.
 * The kNN graph is saved as `knn-graph.bin` beside the index; a missing or stale file is
 * caught up from the index (one kNN query per missing face).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { FaceidxError } from '../errors.js';
import type { FaceIndex } from '../index/hnsw.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { ClusterEngine } from './engine.js';
import { LiveGraph } from './graph.js';
import { matchClusters } from './identities.js';

export const GRAPH_FILE = 'knn-graph.bin';
/** Cannot-link partners recorded per "not this person" (the person's faces nearest first). */
const MAX_CANNOT = 50;
/** The graph file is also saved after updates at most this often (and after every re-cluster). */
const SAVE_EVERY_MS = 10 * 60_000;

export interface ClustererOptions {
  store: Store;
  index: FaceIndex;
  config: Config['clustering'];
  log: Logger;
  /** Where the graph file lives; default the index's folder; null: never saved. */
  dir?: string | null;
}

export interface ReclusterResult {
  people: number;
  created: number;
  retired: number;
  seconds: number;
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Clusterer {
  private queue: Promise<unknown> = Promise.resolve();
  private savedAt = Date.now();

  private constructor(
    private readonly opts: ClustererOptions,
    readonly engine: ClusterEngine,
    private readonly dir: string | null,
  ) {}

  static async create(opts: ClustererOptions): Promise<Clusterer> {
    const dir = opts.dir === undefined ? opts.index.dir : opts.dir;
    const c = opts.config;
    const engineOpts = {
      threshold: c.threshold, k: c.k, weight: c.weight ?? 'linear', joinDistance: c.joinDistance, seed: c.seed, capacity: opts.index.size + 1024,
      mergeAverage: c.mergeAverage,
      mergeGap: c.mergeGap,
      vectorOf: (id: number) => opts.index.vector(id),
    };
    let graph: LiveGraph | undefined;
    if (dir !== null) {
      try {
        graph = LiveGraph.deserialize(await readFile(join(dir, GRAPH_FILE)));
        if (graph.maxDegree !== c.k + 12) graph = undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.log.warn({ err: (err as Error).message }, 'kNN graph file not used; rebuilding it from the index');
      }
    }
    const engine = new ClusterEngine(engineOpts, graph);
    const clusterer = new Clusterer(opts, engine, dir);
    await clusterer.catchUp();
    return clusterer;
  }

  /** Runs updates one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Brings the graph in line with the index (drops forgotten faces, adds missing ones), then loads labels and constraints. */
  private async catchUp(): Promise<void> {
    const { index, store } = this.opts;
    const g = this.engine.graph;
    const gone: number[] = [];
    for (let i = 0; i < g.n; i++) if (g.alive[i] && !index.has(g.faceIds[i]!)) gone.push(g.faceIds[i]!);
    for (const id of gone) this.engine.removeFace(id);
    const missing = (await store.faces.ids(true)).filter((id) => index.has(id) && g.node(id) === undefined);
    let slice = performance.now();
    for (const id of missing) {
      this.engine.addFace(id, index.knn(index.vector(id)!, this.opts.config.k + 1), 0);
      if (performance.now() - slice > 20) {
        await yieldNow();
        slice = performance.now();
      }
    }
    this.engine.loadLabels(await store.people.assignments());
    await this.loadConstraints();
    if (missing.length > 0 || gone.length > 0) {
      this.opts.log.info({ added: missing.length, removed: gone.length }, 'kNN graph caught up with the index');
      this.engine.settle(this.allLiveNodes(missing));
    }
    await this.persist();
    if (missing.length + gone.length > 0) await this.save();
  }

  private allLiveNodes(faceIds: number[]): number[] {
    return faceIds.map((id) => this.engine.graph.node(id)).filter((n): n is number => n !== undefined);
  }

  private async loadConstraints(): Promise<void> {
    const all = await this.opts.store.constraints.list();
    const pairs = (kind: string) => all.filter((c) => c.kind === kind).map((c) => [c.faceA, c.faceB] as [number, number]);
    this.engine.setConstraints(pairs('must_link'), pairs('cannot_link'));
  }

  /**
   * Faces just stored (clusterable ones only): adds any the index lacks, links each to its
   * nearest neighbours, settles labels around them and stores the people. Returns the person of each face.
   */
  addFaces(faces: Array<{ id: number; descriptor: Float32Array }>): Promise<Map<number, number>> {
    return this.serial(async () => {
      const { index } = this.opts;
      const fresh = faces.filter((f) => !index.has(f.id));
      if (fresh.length > 0) await index.add(fresh);
      let slice = performance.now();
      for (const f of faces) {
        this.engine.insert(f.id, index.knn(f.descriptor, this.opts.config.k + 1));
        if (performance.now() - slice > 20) {
          await yieldNow();
          slice = performance.now();
        }
      }
      await this.persist();
      if (Date.now() - this.savedAt > SAVE_EVERY_MS) await this.save();
      return new Map(faces.map((f) => [f.id, this.engine.labelOf(f.id)!]));
    });
  }

  /**
   * Writes the journal to the store: new people for temporary labels, assignments for changed
   * faces, retirement (into where most of their faces went) for people left without faces.
   */
  private async persist(): Promise<{ created: number; retired: number }> {
    const journal = this.engine.takeJournal();
    if (journal.size === 0) return { created: 0, retired: 0 };
    const { store } = this.opts;
    const now = Date.now();
    let created = 0;
    let retired = 0;
    await store.db.transaction(async (tx) => {
      const temp = new Map<number, number[]>();
      const before = this.engine.currentLabels();
      for (const node of journal.keys()) {
        const l = before[node]!;
        if (l < 0 && this.engine.graph.alive[node]) (temp.get(l) ?? temp.set(l, []).get(l)!).push(node);
      }
      for (const [l, nodes] of temp) {
        const id = await store.people.create(now, tx);
        this.engine.rename(nodes, l, id);
        created++;
      }
      this.engine.takeJournal();
      const labels = this.engine.currentLabels();
      const pairs: Array<[number, number]> = [];
      const went = new Map<number, Map<number, number>>(); // old person -> new person -> faces
      for (const [node, old] of journal) {
        if (!this.engine.graph.alive[node]) continue;
        const now_ = labels[node]!;
        if (now_ === old) continue;
        pairs.push([this.engine.faceOf(node), now_]);
        if (old >= 0) {
          const m = went.get(old) ?? went.set(old, new Map()).get(old)!;
          m.set(now_, (m.get(now_) ?? 0) + 1);
        }
      }
      await store.people.assign(pairs, now, tx);
      for (const [old, m] of went) {
        if (this.engine.sizes.has(old)) continue;
        const into = [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? null;
        await store.people.retire(old, into, now, tx);
        retired++;
        const name = await store.people.label(old);
        if (name !== undefined && into !== null && (await store.people.label(into)) === undefined) await store.people.setLabel(into, name, now, tx);
      }
    });
    return { created, retired };
  }

  /**
   * Full re-cluster: Chinese whispers over the whole stored kNN graph from singletons (as a
   * batch run), then clusters inherit person ids by overlap (identities.ts).
   */
  recluster(): Promise<ReclusterResult> {
    return this.serial(async () => {
      const t0 = performance.now();
      await this.dropForgotten();
      await this.loadConstraints();
      // Large graphs run Chinese whispers in a worker thread: the event loop stays free meanwhile.
      const clusters = await this.engine.batchClustersAsync();
      const before = this.engine.currentLabels();
      const { personOf } = matchClusters(before, clusters);
      const temp = new Map<number, number>();
      this.engine.applyClusters(clusters, (c) => personOf.get(c) ?? temp.get(c) ?? temp.set(c, this.engine.freshLabel()).get(c)!);
      const { created, retired } = await this.persist();
      await this.opts.store.meta.set('cluster.lastRecluster', String(Date.now()));
      await this.save();
      const seconds = (performance.now() - t0) / 1000;
      const people = this.engine.sizes.size;
      this.opts.log.info({ people, created, retired, seconds }, 're-clustered');
      return { people, created, retired, seconds };
    });
  }

  /** Drops from the graph faces the index no longer has (retention, forget), re-settling their neighbours. */
  private async dropForgotten(): Promise<void> {
    const g = this.engine.graph;
    const gone: number[] = [];
    for (let i = 0; i < g.n; i++) if (g.alive[i] && !this.opts.index.has(g.faceIds[i]!)) gone.push(g.faceIds[i]!);
    if (gone.length > 0) await this.removeNow(gone);
  }

  private async removeNow(faceIds: readonly number[]): Promise<void> {
    const seeds: number[] = [];
    const labels = new Set<number>();
    for (const id of faceIds) {
      const l = this.engine.labelOf(id);
      if (l !== undefined) labels.add(l);
      seeds.push(...this.engine.removeFace(id));
    }
    this.engine.settle(seeds);
    await this.persist();
    const now = Date.now();
    for (const l of labels) if (l >= 0 && !this.engine.sizes.has(l)) await this.opts.store.people.retire(l, null, now);
  }

  /** Faces forgotten elsewhere (retention): hides them from the index and the graph. */
  forgetFaces(faceIds: number[]): Promise<void> {
    return this.serial(async () => {
      this.opts.index.remove(faceIds);
      await this.removeNow(faceIds);
      // The store moved the merges and cannot-links of these faces to faces that stay.
      await this.loadConstraints();
    });
  }

  private async activePerson(id: number): Promise<number> {
    const p = await this.opts.store.people.resolve(id);
    if (p === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `no person ${id}`, 'list people with `faceidx people --all`');
    return p;
  }

  /**
   * Must-link: B's faces join A (A survives, keeps its id and gets B's label if it had none; B is
   * retired into A). The faces stay together through every re-cluster. Returns the surviving id.
   */
  merge(personA: number, personB: number): Promise<number> {
    return this.serial(async () => {
      const { store } = this.opts;
      const a = await this.activePerson(personA);
      const b = await this.activePerson(personB);
      if (a === b) return a;
      const fa = await store.people.faceIds(a);
      const fb = await store.people.faceIds(b);
      if (fa.length === 0 || fb.length === 0) throw new FaceidxError('FACEIDX_NOT_FOUND', `person ${fa.length === 0 ? a : b} has no faces`, 'merge people that still have faces');
      // Every face of both people is linked to A's first face, so no re-cluster can split them again.
      await store.db.transaction(async (tx) => {
        for (const f of [...fa.slice(1), ...fb]) await store.constraints.add('must_link', fa[0]!, f, Date.now(), tx);
      });
      for (const f of fb) this.engine.setFaceLabel(f, a);
      await this.loadConstraints();
      await this.persist();
      return a;
    });
  }

  /** Cannot-link: the face leaves the person, for good (it joins its next-best neighbours or a new person). */
  notPerson(faceId: number, personId: number): Promise<void> {
    return this.serial(async () => {
      const { store } = this.opts;
      const p = await this.activePerson(personId);
      const node = this.engine.graph.node(faceId);
      if (node === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `face ${faceId} is not clustered`, 'pass a face id shown by `faceidx person <id>`');
      const members = (await store.people.faceIds(p)).filter((f) => f !== faceId);
      const nearFirst = this.nearestFirst(faceId, members).slice(0, MAX_CANNOT);
      for (const m of nearFirst) await store.constraints.add('cannot_link', faceId, m);
      await this.loadConstraints();
      if (this.engine.labelOf(faceId) === p) this.engine.setFaceLabel(faceId, this.engine.freshLabel());
      this.engine.settle([node, ...this.engine.graph.neighbours(node)]);
      await this.persist();
    });
  }

  /** Faces ordered by distance to `faceId` (graph neighbours first, then the rest by id). */
  private nearestFirst(faceId: number, faces: number[]): number[] {
    const node = this.engine.graph.node(faceId)!;
    const near = new Set(this.engine.graph.neighbours(node).map((n) => this.engine.faceOf(n)));
    return [...faces.filter((f) => near.has(f)), ...faces.filter((f) => !near.has(f))];
  }

  /** Forgets a person: deletes their faces from the store, the index and the graph. Returns faces removed. */
  forget(personId: number): Promise<number> {
    return this.serial(async () => {
      const p = await this.activePerson(personId);
      const faces = await this.opts.store.people.faceIds(p);
      const n = await this.opts.store.faces.deleteIds(faces);
      this.opts.index.remove(faces);
      await this.removeNow(faces);
      await this.opts.store.people.retire(p, null);
      return n;
    });
  }

  /** Saves the kNN graph beside the index (atomic rename). */
  async save(): Promise<void> {
    if (this.dir === null) return;
    const file = join(this.dir, GRAPH_FILE);
    await writeFile(`${file}.tmp`, this.engine.graph.serialize(), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.savedAt = Date.now();
  }
}
