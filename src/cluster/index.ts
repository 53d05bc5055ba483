/**
 * The clustering algorithms, pure and without I/O: Chinese whispers, the live kNN graph, the
 * cluster engine and its rooms (labels, constraints, incremental update, linkage merges, batch
 * runs), stable ids by overlap. Where a face becomes a person (index + graph + store) is
 * src/people, which uses these.
 */
export { ClusterEngine, type EngineOptions } from './engine.js';
export { chineseWhispers, chineseWhispersAdj, forEachEdge, mulberry32, type Edge, type Rng, type CwResult } from './chinese-whispers.js';
export { combineConstraints, Constraints, type ConstraintPairs, type Pair } from './constraints.js';
export { edgeWeight, edgesFromKnn, LiveGraph, type WeightKind, type Neighbour } from './graph.js';
export { matchClusters, type Matching } from './identities.js';
export { UnionFind } from './union-find.js';
