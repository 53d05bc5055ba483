/**
 * The people core's writer: one object owns the HNSW index, the kNN graph with its labels, and
 * the people in the store, and applies every change to them one at a time (a queue), so they
 * never disagree. See index.ts for the API; this file is its implementation.
 *
 * Open: the index is caught up with the store (index-sync.ts), the graph file is loaded or
 * rebuilt from the index (graph-file.ts), faces the graph lacks are linked and faces the index
 * lost are dropped, labels are loaded from the store's assignments and constraints from their
 * sources. Every change ends with the label journal written to the store (persist.ts).
 */
import type { Config } from '../config/schema.js';
import { combineConstraints, type ConstraintPairs } from '../cluster/constraints.js';
import { matchClusters } from '../cluster/identities.js';
import { FaceidxError } from '../errors.js';
import { FaceIndex, type FaceVector } from '../index/hnsw.js';
import type { Logger } from '../log/logger.js';
import { cutMustLinks, removeMustLinks, reviveMerged, type Store } from '../store/index.js';
import { FaceGraph } from './face-graph.js';
import { loadGraph, saveGraph } from './graph-file.js';
import { syncIndex } from './index-sync.js';
import { persistJournal } from './persist.js';
import { labelPerson } from './labels.js';
import { TrackLinks, videoConstraints, type PeopleFace } from './video.js';

/** Cannot-link partners recorded per "not this person" (the person's faces nearest first). */
const MAX_CANNOT = 50;
/** The graph file is also saved after updates at most this often (and after every re-cluster). */
const SAVE_EVERY_MS = 10 * 60_000;

/** Where constraints come from: each source gives face-id pairs; all of them hold together. */
export type ConstraintSource = (store: Store) => Promise<ConstraintPairs>;

/** The user's merges (must-link) and "not this person" (cannot-link), from the store's table. */
export const userConstraints: ConstraintSource = async (store) => {
  const all = await store.constraints.list();
  const pairs = (kind: string) => all.filter((c) => c.kind === kind).map((c) => [c.faceA, c.faceB] as [number, number]);
  return { mustLink: pairs('must_link'), cannotLink: pairs('cannot_link') };
};

export interface ReclusterResult {
  people: number;
  created: number;
  retired: number;
  seconds: number;
}

export interface CoreOptions {
  config: Pick<Config, 'storage' | 'index' | 'clustering'>;
  store: Store;
  log: Logger;
  /** Where the index and graph files live; default storage.dir; null: in memory, never saved. */
  dir?: string | null;
  /** Constraint sources (default: the user's table and video, see video.ts). */
  constraints?: readonly ConstraintSource[];
}

export class PeopleCore {
  private queue: Promise<unknown> = Promise.resolve();
  private savedAt = Date.now();
  private readonly sources: readonly ConstraintSource[];
  /** Faces in the graph that are not in the index: tracked faces under the gate (video.ts). */
  private readonly sightings = new Set<number>();
  private readonly tracks = new TrackLinks();

  private constructor(
    private readonly opts: CoreOptions,
    readonly faces: FaceGraph,
    private readonly dir: string | null,
  ) {
    this.sources = opts.constraints ?? [userConstraints, videoConstraints];
  }

  static async open(opts: CoreOptions): Promise<PeopleCore> {
    const dir = opts.dir === undefined ? opts.config.storage.dir : opts.dir;
    const { log, store, config } = opts;
    const index = await FaceIndex.open({ dir, ...config.index, log: log.child({ module: 'index' }) });
    const synced = await syncIndex(index, store, log);
    log.info({ ...synced, size: index.size }, 'index checked against the store');
    const graph = await loadGraph(dir, config.clustering.k + 12, log);
    const core = new PeopleCore(opts, FaceGraph.over(index, config.clustering, index.size + 1024, graph), dir);
    await core.catchUp();
    return core;
  }

  private get engine() {
    return this.faces.engine;
  }

  private get store(): Store {
    return this.opts.store;
  }

  /** Whether the face is in the graph (indexed, or a tracked sighting): handed to the core before. */
  knows(faceId: number): boolean {
    return this.engine.graph.node(faceId) !== undefined;
  }

  /** Names a person (empty: clears), in the order of the other changes (labels.ts). */
  label(person: number, name: string): Promise<{ person: number; label: string | null }> {
    return this.serial(() => labelPerson(this.store, person, name));
  }

  /** Indexed (searchable, clustered) faces. */
  get size(): number {
    return this.faces.index.size;
  }

  /** Runs changes one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Faces in the graph that the index no longer has (forgotten elsewhere). */
  private lostFaces(): number[] {
    const g = this.engine.graph;
    const gone: number[] = [];
    for (let i = 0; i < g.n; i++) {
      const id = g.faceIds[i]!;
      if (g.alive[i] && !this.faces.index.has(id) && !this.sightings.has(id)) gone.push(id);
    }
    return gone;
  }

  /** Brings the graph in line with the index, then loads labels and constraints. */
  private async catchUp(): Promise<void> {
    const { index } = this.faces;
    // Sightings: tracked faces under the gate, in the graph without edges (video.ts).
    for (const id of await this.store.tracks.sightingIds()) this.sightings.add(id);
    const gone = this.lostFaces();
    for (const id of gone) this.engine.removeFace(id);
    const missing = (await this.store.faces.ids(true)).filter((id) => index.has(id) && this.engine.graph.node(id) === undefined);
    await this.faces.link(missing.map((id) => ({ id, descriptor: index.vector(id)! })));
    const unplaced = [...this.sightings].filter((id) => this.engine.graph.node(id) === undefined);
    await this.faces.place(unplaced.map((id) => ({ id, descriptor: new Float32Array(0), edges: false, label: 0 })));
    missing.push(...unplaced);
    this.engine.loadLabels(await this.store.people.assignments());
    await this.loadConstraints();
    if (missing.length > 0 || gone.length > 0) {
      this.opts.log.info({ added: missing.length, removed: gone.length }, 'kNN graph caught up with the index');
      this.engine.settle(missing.map((id) => this.engine.graph.node(id)!));
    }
    await persistJournal(this.engine, this.store);
    if (missing.length + gone.length > 0) await this.saveGraph();
  }

  private async loadConstraints(): Promise<void> {
    const { mustLink, cannotLink } = combineConstraints(await Promise.all(this.sources.map((s) => s(this.store))));
    this.engine.setConstraints(mustLink, cannotLink);
  }

  /** Faces just stored: see index.ts and video.ts. */
  addFaces(faces: readonly PeopleFace[]): Promise<Map<number, number>> {
    return this.serial(async () => {
      const isTracked = (f: PeopleFace) => f.trackId !== null && f.trackId !== undefined;
      const tracked = faces.filter(isTracked);
      await this.faces.insert(faces.filter((f) => !isTracked(f) && f.clusterable !== false));
      if (tracked.length > 0) await this.addTracked(tracked);
      await persistJournal(this.engine, this.store);
      if (Date.now() - this.savedAt > SAVE_EVERY_MS) await this.saveGraph();
      return new Map(faces.flatMap((f) => (this.engine.graph.node(f.id) === undefined ? [] : [[f.id, this.engine.labelOf(f.id)!] as const])));
    });
  }

  /**
   * Tracked faces: each starts with its track's label, gets its video constraints (the track's
   * previous face, the other faces of its frame), then labels settle around them.
   */
  private async addTracked(faces: readonly PeopleFace[]): Promise<void> {
    const labelOf = (f: PeopleFace) => {
      const prev = this.tracks.lastFace(f.trackId);
      return prev === undefined ? undefined : this.engine.labelOf(prev);
    };
    const seeds = await this.faces.place(faces.map((f) => ({ id: f.id, descriptor: f.descriptor, edges: f.clusterable !== false, label: labelOf(f) })));
    const { mustLink, cannotLink } = this.tracks.pairsFor(faces);
    seeds.push(...this.engine.addConstraints(mustLink, cannotLink));
    this.tracks.record(faces);
    for (const f of faces) if (f.clusterable === false) this.sightings.add(f.id);
    this.engine.settle(seeds);
  }

  /** Full re-cluster: see index.ts. */
  recluster(): Promise<ReclusterResult> {
    return this.serial(async () => {
      const t0 = performance.now();
      const lost = this.lostFaces();
      if (lost.length > 0) await this.removeNow(lost, () => lost.flatMap((id) => this.engine.removeFace(id)));
      await this.loadConstraints();
      // Large graphs run Chinese whispers in a worker thread: the event loop stays free meanwhile.
      const clusters = await this.engine.batchClustersAsync();
      const { personOf } = matchClusters(this.engine.currentLabels(), clusters);
      const temp = new Map<number, number>();
      this.engine.applyClusters(clusters, (c) => personOf.get(c) ?? temp.get(c) ?? temp.set(c, this.engine.freshLabel()).get(c)!);
      const { created, retired } = await persistJournal(this.engine, this.store);
      await this.store.meta.set('cluster.lastRecluster', String(Date.now()));
      await this.saveGraph();
      const seconds = (performance.now() - t0) / 1000;
      const people = this.engine.sizes.size;
      this.opts.log.info({ people, created, retired, seconds }, 're-clustered');
      return { people, created, retired, seconds };
    });
  }

  /** Removes faces from the graph (`remove` returns the seeds), re-settles, persists, retires emptied people. */
  private async removeNow(faceIds: readonly number[], remove: () => number[]): Promise<void> {
    const labels = new Set<number>();
    for (const id of faceIds) {
      const l = this.engine.labelOf(id);
      if (l !== undefined) labels.add(l);
    }
    this.engine.settle(remove());
    await persistJournal(this.engine, this.store);
    const now = Date.now();
    for (const l of labels) if (l >= 0 && !this.engine.sizes.has(l)) await this.store.people.retire(l, null, now);
  }

  /** Faces already deleted from the store leave the index and the graph. */
  private async dropDeleted(faceIds: number[]): Promise<void> {
    for (const id of faceIds) this.sightings.delete(id);
    await this.removeNow(faceIds, () => this.faces.drop(faceIds));
    // The store moved the merges and cannot-links of these faces to faces that stay.
    await this.loadConstraints();
  }

  /** Erases a person: see index.ts. */
  forget(person: number): Promise<number[]> {
    return this.serial(async () => {
      const p = await this.activePerson(person);
      const faceIds = await this.store.people.erase(p);
      await this.dropDeleted(faceIds);
      return faceIds;
    });
  }

  /** Erases every face seen before `before`: see index.ts. */
  purge(before: number): Promise<{ faceIds: number[]; retired: number[] }> {
    return this.serial(async () => {
      const { faceIds, retired } = await this.store.people.purgeBefore(before);
      if (faceIds.length > 0) await this.dropDeleted(faceIds);
      return { faceIds, retired };
    });
  }

  private async activePerson(id: number): Promise<number> {
    const p = await this.store.people.resolve(id);
    if (p === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `no person ${id}`, 'list people with `faceidx people --all`');
    return p;
  }

  /** Must-link: see index.ts. */
  merge(personA: number, personB: number): Promise<number> {
    return this.serial(async () => {
      const a = await this.activePerson(personA);
      const b = await this.activePerson(personB);
      if (a === b) return a;
      const fa = await this.store.people.faceIds(a);
      const fb = await this.store.people.faceIds(b);
      if (fa.length === 0 || fb.length === 0) throw new FaceidxError('FACEIDX_NOT_FOUND', `person ${fa.length === 0 ? a : b} has no faces`, 'merge people that still have faces');
      // Every face of both people is linked to A's first face, so no re-cluster can split them again.
      await this.store.db.transaction(async (tx) => {
        for (const f of [...fa.slice(1), ...fb]) await this.store.constraints.add('must_link', fa[0]!, f, Date.now(), tx);
      });
      for (const f of fb) this.engine.setFaceLabel(f, a);
      await this.loadConstraints();
      await persistJournal(this.engine, this.store);
      return a;
    });
  }

  /**
   * Undoes a merge: see index.ts. The must-links the merge added (`links`) go, any other
   * must-link still joining `faces` to the rest of their person is cut (each side keeps its own),
   * the merged id is active again and takes back those of `faces` its person still holds.
   * Resolves to that id and how many faces went back.
   */
  unmerge(kept: number, person: number, faces: readonly number[], links: ReadonlyArray<readonly [number, number]> = []): Promise<{ person: number; faces: number }> {
    return this.serial(async () => {
      const holder = await this.activePerson(kept);
      const own = new Set(faces);
      const back = (await this.store.people.faceIds(holder)).filter((f) => own.has(f));
      if (back.length === 0) {
        throw new FaceidxError('FACEIDX_NOT_FOUND', `none of the faces merged from person ${person} are in person ${holder} any more`, 'check faceidx person ' + holder + '; split faces off with faceidx not');
      }
      if (await this.store.people.exists(person)) {
        throw new FaceidxError('FACEIDX_USAGE', `person ${person} is active again; the merge was already undone`, `see faceidx person ${person}`);
      }
      await this.store.db.transaction(async (tx) => {
        await removeMustLinks(tx, links);
        await cutMustLinks(tx, own);
        await reviveMerged(tx, person);
      });
      await this.loadConstraints();
      for (const f of back) this.engine.setFaceLabel(f, person);
      await persistJournal(this.engine, this.store);
      return { person, faces: back.length };
    });
  }

  /** Cannot-link: see index.ts. */
  not(faceId: number, personId: number): Promise<number | null> {
    return this.serial(async () => {
      const p = await this.activePerson(personId);
      const node = this.engine.graph.node(faceId);
      if (node === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `face ${faceId} is not clustered`, 'pass a face id shown by `faceidx person <id>`');
      const members = (await this.store.people.faceIds(p)).filter((f) => f !== faceId);
      for (const m of this.nearestFirst(faceId, members).slice(0, MAX_CANNOT)) await this.store.constraints.add('cannot_link', faceId, m);
      await this.loadConstraints();
      if (this.engine.labelOf(faceId) === p) this.engine.setFaceLabel(faceId, this.engine.freshLabel());
      this.engine.settle([node, ...this.engine.graph.neighbours(node)]);
      await persistJournal(this.engine, this.store);
      return (await this.store.people.personOf(faceId)) ?? null;
    });
  }

  /** Faces ordered by distance to `faceId` (graph neighbours first, then the rest by id). */
  private nearestFirst(faceId: number, faces: number[]): number[] {
    const node = this.engine.graph.node(faceId)!;
    const near = new Set(this.engine.graph.neighbours(node).map((n) => this.engine.faceOf(n)));
    return [...faces.filter((f) => near.has(f)), ...faces.filter((f) => !near.has(f))];
  }

  private async saveGraph(): Promise<void> {
    await saveGraph(this.dir, this.engine.graph);
    this.savedAt = Date.now();
  }

  /** Saves the index and the graph (after the changes already queued). */
  save(): Promise<void> {
    return this.serial(async () => {
      await this.faces.index.save();
      await this.saveGraph();
    });
  }
}
