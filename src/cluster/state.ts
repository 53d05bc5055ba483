/**
 * What the engine's rooms share: the options, the live kNN graph, the label table, the
 * constraints, and the seeded generator. The rooms (incremental.ts, merges.ts, batch.ts) are
 * functions over this state; engine.ts holds one and exposes the engine's API.
 */
import type { Rng, Voter } from './chinese-whispers.js';
import type { Constraints } from './constraints.js';
import type { LiveGraph, WeightKind } from './graph.js';
import type { LabelTable } from './labels.js';

export interface EngineOptions {
  threshold: number;
  k: number;
  weight: WeightKind;
  /** Edge slots per face; default k + 12. */
  maxDegree?: number;
  seed: number;
  /**
   * A face leaves its own label only for neighbours whose summed edge weight beats one edge at
   * this distance (its self-vote); undefined: no self-vote (plain CW).
   */
  joinDistance?: number | undefined;
  /** Largest neighbourhood re-clustered from scratch on insert (default 2000); larger ones settle instead. */
  maxLocal?: number;
  /** Longest run of CW steps one incremental update may take (a guard; default 200,000). */
  maxSteps?: number;
  capacity?: number;
  /**
   * After Chinese whispers, clusters sharing an edge whose faces are on average closer than this
   * are merged (linkage.ts: one person seen on several cameras); undefined or 0: off. Needs `vectorOf`.
   */
  mergeAverage?: number | undefined;
  /** Spread check of those merges (linkage.ts `maxGap`); undefined or 0: off. */
  mergeGap?: number | undefined;
  /** The descriptor of a face (for average linkage). */
  vectorOf?: (faceId: number) => Float32Array | undefined;
}

export interface EngineState {
  readonly opts: EngineOptions;
  readonly graph: LiveGraph;
  readonly labels: LabelTable;
  constraints: Constraints;
  /** The generator of incremental CW steps (seeded once, `opts.seed`). */
  readonly rng: Rng;
  readonly voter: Voter;
  /** Weight of a node's vote for its own label: that of one edge at `joinDistance` (0: none). */
  readonly selfWeight: number;
}
