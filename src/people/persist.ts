/**
 * Writes the engine's label journal to the store, in one transaction: every temporary
 * (negative) label becomes a new person id, changed faces are re-assigned, and people left
 * without faces are retired into the person that took most of their faces (their label moves
 * there when that person has none).
 */
import type { ClusterEngine } from '../cluster/engine.js';
import type { Store, TxHandle } from '../store/index.js';

export interface Persisted {
  created: number;
  retired: number;
}

export async function persistJournal(engine: ClusterEngine, store: Store): Promise<Persisted> {
  const journal = engine.takeJournal();
  if (journal.size === 0) return { created: 0, retired: 0 };
  const now = Date.now();
  return store.db.transaction(async (tx) => {
    const created = await createPeople(engine, journal, store, tx, now);
    engine.takeJournal();
    const { pairs, went } = changes(engine, journal);
    await store.people.assign(pairs, now, tx);
    const retired = await retireEmptied(engine, went, store, tx, now);
    return { created, retired };
  });
}

/** Stores a new person for each temporary label in the journal and renames the label to its id. */
async function createPeople(engine: ClusterEngine, journal: Map<number, number>, store: Store, tx: TxHandle, now: number): Promise<number> {
  const temp = new Map<number, number[]>();
  const labels = engine.currentLabels();
  for (const node of journal.keys()) {
    const l = labels[node]!;
    if (l < 0 && engine.graph.alive[node]) (temp.get(l) ?? temp.set(l, []).get(l)!).push(node);
  }
  for (const [l, nodes] of temp) engine.rename(nodes, l, await store.people.create(now, tx));
  return temp.size;
}

/** The (face, person) pairs to assign, and where each old person's faces went (old -> new -> faces). */
function changes(engine: ClusterEngine, journal: Map<number, number>): { pairs: Array<[number, number]>; went: Map<number, Map<number, number>> } {
  const labels = engine.currentLabels();
  const pairs: Array<[number, number]> = [];
  const went = new Map<number, Map<number, number>>();
  for (const [node, old] of journal) {
    if (!engine.graph.alive[node]) continue;
    const now = labels[node]!;
    if (now === old) continue;
    pairs.push([engine.faceOf(node), now]);
    if (old >= 0) {
      const m = went.get(old) ?? went.set(old, new Map()).get(old)!;
      m.set(now, (m.get(now) ?? 0) + 1);
    }
  }
  return { pairs, went };
}

async function retireEmptied(engine: ClusterEngine, went: Map<number, Map<number, number>>, store: Store, tx: TxHandle, now: number): Promise<number> {
  let retired = 0;
  for (const [old, m] of went) {
    if (engine.sizes.has(old)) continue;
    const into = [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? null;
    await store.people.retire(old, into, now, tx);
    retired++;
    const name = await store.people.label(old);
    if (name !== undefined && into !== null && (await store.people.label(into)) === undefined) await store.people.setLabel(into, name, now, tx);
  }
  return retired;
}
