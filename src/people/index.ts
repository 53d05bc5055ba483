/**
 * The people stage: where a face becomes a person. Everything after the store keeps faces
 * (src/store) goes through here: the HNSW index (src/index), the kNN graph and its clusters
 * (the algorithms in src/cluster), and the people, their merges and "not this person" in the
 * store. It is the only writer of the index and of the graph file.
 *
 * API (small on purpose):
 *
 *   const people = await openPeople({ config, store, log });   // index + graph + labels, caught up with the store
 *   people.addFaces(faces)        // faces just stored (clusterable ones, {id, descriptor}): indexed,
 *                                 // linked to their nearest neighbours, clustered incrementally;
 *                                 // resolves to the person of each face (new people are stored)
 *   people.merge(a, b)            // B's faces join A for good (must-link); resolves to A (the id kept)
 *   people.unmerge(a, b, faces, links) // undoes merge(a, b): `faces` (B's then) are B again; the merge's must-links go
 *   people.unmerge(a, b, faces)   // undoes merge(a, b): `faces` (B's when merged) are B again, no longer linked to A
 *   people.not(face, person)      // the face leaves the person for good (cannot-link); resolves to its new person
 *   people.forget(person)         // erases the person's faces (store, index, graph); resolves to their ids
 *   people.purge(before)          // erases faces seen before a time (retention); {faceIds, retired}
 *   people.recluster()            // full re-cluster from singletons; ids, labels, constraints survive
 *   people.size                   // faces in the index
 *   people.save()                 // writes the index and graph files (also done by re-clusters)
 *   applyRequest(people, request) // one CLI request (src/runtime/protocol.ts) applied
 *
 * Store-only parts (no index, no graph: they work while the daemon runs):
 *   labelPerson(store, person, name)         // name a person (empty name: clear)
 *   searchPeople(store, descriptors, top)    // the people nearest to each descriptor
 *   forgetOffline / purgeOffline             // erase with no daemon and no core open (store + index file)
 *
 * In memory, for the evaluation: FaceGraph.inMemory (index + engine, no store).
 *
 * Changes are applied one at a time, in call order. Constraints come from sources
 * (`ConstraintSource`: face-id pairs, must-link and cannot-link); the user's table is the default
 * one, and other sources (e.g. faces of one frame, faces of one track) are added to the list.
 */
import { PeopleCore, type CoreOptions } from './core.js';

export { PeopleCore, userConstraints, type ConstraintSource, type CoreOptions, type ReclusterResult } from './core.js';
export { applyRequest } from './apply.js';
export { TrackLinks, videoConstraints, type PeopleFace } from './video.js';
export { FaceGraph, engineOptions, type ClusteringSettings } from './face-graph.js';
export { GRAPH_FILE } from './graph-file.js';
export { labelPerson } from './labels.js';
export { searchPeople, NearestPeople, type Match } from './search.js';
export { dropVectors, forgetOffline, purgeOffline, type IndexOutcome } from './offline.js';
export { syncIndex, type SyncResult } from './index-sync.js';

/** The people core, opened. */
export type People = PeopleCore;

/** Opens the people core from the config: the store given, the index and graph files in storage.dir. */
export function openPeople(opts: CoreOptions): Promise<People> {
  return PeopleCore.open(opts);
}
