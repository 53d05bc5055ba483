/**
 * The clusterer's checkpoints: its index and kNN graph files, copied into the shared store so a
 * standby on another machine takes over without rebuilding them (100,000 faces would take minutes
 * of HNSW inserts and kNN queries); it catches up only the faces stored since the checkpoint.
 * The files are a cache of the store (the people core reconciles them with it at open), so any
 * checkpoint, however old, is safe to start from.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { INDEX_FILE } from '../index/hnsw.js';
import { GRAPH_FILE } from '../people/index.js';
import type { CentralRepository } from '../store/index.js';

/** The files a checkpoint holds; a name read back from the store is used only if it is one of these. */
export const CHECKPOINT_FILES = [INDEX_FILE, `${INDEX_FILE}.json`, GRAPH_FILE] as const;
/** In storage.dir: the generation the local files come from. */
const MARKER = 'checkpoint.generation';

function localGeneration(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, MARKER), 'utf8').trim());
  } catch {
    return undefined;
  }
}

function writePrivate(file: string, data: Buffer | string): void {
  writeFileSync(`${file}.tmp`, data, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Brings the newest checkpoint into `dir` unless the files there already come from it. */
export async function restoreCheckpoint(central: CentralRepository, dir: string, log: Logger): Promise<'none' | 'current' | 'restored'> {
  const generation = await central.checkpointGeneration();
  if (generation === undefined) return 'none';
  if (localGeneration(dir) === generation && CHECKPOINT_FILES.every((f) => existsSync(join(dir, f)))) return 'current';
  const files = await central.loadCheckpoint(generation);
  const allowed = new Set<string>(CHECKPOINT_FILES);
  for (const f of files) if (allowed.has(f.name)) writePrivate(join(dir, f.name), f.data);
  writePrivate(join(dir, MARKER), String(generation));
  log.info({ generation, files: files.length, bytes: files.reduce((n, f) => n + f.data.length, 0) }, 'restored the index and graph from the store\'s checkpoint');
  return 'restored';
}

/** Copies the files the people core just saved in `dir` into the store as a new checkpoint. */
export async function saveCheckpoint(central: CentralRepository, dir: string): Promise<number> {
  const files = CHECKPOINT_FILES.filter((f) => existsSync(join(dir, f))).map((name) => ({ name, data: readFileSync(join(dir, name)) }));
  const generation = await central.saveCheckpoint(files);
  writePrivate(join(dir, MARKER), String(generation));
  return generation;
}
