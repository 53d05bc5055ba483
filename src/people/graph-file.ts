/**
 * The kNN graph's file, `knn-graph.bin` beside the index: loaded at open (a missing, unreadable
 * or differently shaped file is rebuilt from the index instead), saved atomically (temporary
 * file, then rename).
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveGraph } from '../cluster/graph.js';
import type { Logger } from '../log/logger.js';
import { writePrivateFile } from '../runtime/private-files.js';

export const GRAPH_FILE = 'knn-graph.bin';

/** The saved graph if it is usable with `maxDegree` edge slots per face; undefined otherwise. */
export async function loadGraph(dir: string | null, maxDegree: number, log: Logger): Promise<LiveGraph | undefined> {
  if (dir === null) return undefined;
  try {
    const graph = LiveGraph.deserialize(await readFile(join(dir, GRAPH_FILE)));
    return graph.maxDegree === maxDegree ? graph : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: (err as Error).message }, 'kNN graph file not used; rebuilding it from the index');
    return undefined;
  }
}

export async function saveGraph(dir: string | null, graph: LiveGraph): Promise<void> {
  if (dir === null) return;
  const file = join(dir, GRAPH_FILE);
  await writePrivateFile(`${file}.tmp`, graph.serialize());
  await rename(`${file}.tmp`, file);
}
