/**
 * Pure: the rules of a batch run (`faceidx run --until-done`). It ends once every file and
 * folder feed has ended; one that still cannot be opened after UNTIL_DONE_RETRIES restarts has
 * ended with an error. The run then prints one line per such camera (failureSummary) and exits
 * with ExitCode.NOINPUT (66), after everything the other cameras gave is stored.
 * No imports with side effects: `faceidx run --help` reads the constant.
 */
import type { FeedStatus } from '../feed/types.js';

/**
 * Restarts a file or folder gets in a batch run before it counts as ended with an error. With
 * the feed backoff (1 s, 2 s, 4 s) that is about 7 s: enough for a file still being copied or a
 * mount that comes a moment late, short next to any real batch.
 */
export const UNTIL_DONE_RETRIES = 3;

/** Pure: one line per failed feed for the end of a batch run, then what the exit means. */
export function failureSummary(failed: FeedStatus[], cameras: number): string[] {
  if (failed.length === 0) return [];
  const lines = failed.map((s) => {
    const after = s.restarts > 0 ? `, after ${s.restarts} ${s.restarts === 1 ? 'retry' : 'retries'}` : '';
    return `faceidx: camera "${s.cameraId}" ended with an error${after}: ${(s.lastError ?? 'no error recorded').replace(`camera "${s.cameraId}": `, '')}${s.lastErrorCode ? ` [${s.lastErrorCode}]` : ''}`;
  });
  lines.push(`faceidx: ${failed.length} of ${cameras} cameras ended with an error; everything the other cameras gave is stored`);
  return lines;
}
