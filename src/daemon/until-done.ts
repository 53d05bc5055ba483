/**
 * Pure: the rules of a batch run (`faceidx run --until-done`). It ends once every file and
 * folder feed has ended; one that still cannot be opened after UNTIL_DONE_RETRIES restarts has
 * ended with an error. The run then prints one line per such camera (failureSummary) and exits
 * with ExitCode.NOINPUT (66), after everything the other cameras gave is stored.
 * The retry limit lives in src/runtime/limits.ts (`faceidx run --help` states it).
 */
import type { FeedStatus } from '../feed/types.js';

export { UNTIL_DONE_RETRIES } from '../runtime/limits.js';

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
