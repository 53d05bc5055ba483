/**
 * The daemon's limits that the CLI also states (in `faceidx run --help`). They live here, in
 * the runtime layer, so the CLI reads them without loading anything from src/daemon.
 * No imports: the help text must stay cheap.
 */

/**
 * Restarts a file or folder gets in a batch run before it counts as ended with an error. With
 * the feed backoff (1 s, 2 s, 4 s) that is about 7 s: enough for a file still being copied or a
 * mount that comes a moment late, short next to any real batch.
 */
export const UNTIL_DONE_RETRIES = 3;

/** A batch run of an edge daemon waits this long for an unreachable central store before it gives up (exit 75). */
export const SHIP_AT_BATCH_END_MS = 10 * 60_000;
