/** The cluster stage: incremental Chinese whispers over the kNN graph, stable person ids, constraints. */
export { Clusterer, GRAPH_FILE, type ClustererOptions, type ReclusterResult } from './service.js';
export { ClusterEngine, type EngineOptions } from './engine.js';
export { chineseWhispers, chineseWhispersAdj, mulberry32, type Edge, type Rng, type CwResult } from './chinese-whispers.js';
export { edgeWeight, edgesFromKnn, LiveGraph, type WeightKind, type Neighbour } from './graph.js';
export { matchClusters, type Matching } from './identities.js';
export { isClusterable, qualityScore, type FaceQuality } from './quality.js';
