/** SIGHUP: what changes between two validated configs (pure). */
import { isDeepStrictEqual } from 'node:util';
import type { CameraConfig, Config } from '../config/schema.js';

export interface CameraDiff {
  added: CameraConfig[];
  removed: string[];
  changed: CameraConfig[];
  unchanged: string[];
}

/** Cameras to start, stop and restart; a disabled camera counts as absent. */
export function diffCameras(before: readonly CameraConfig[], after: readonly CameraConfig[]): CameraDiff {
  const old = new Map(before.filter((c) => c.enabled).map((c) => [c.id, c]));
  const next = new Map(after.filter((c) => c.enabled).map((c) => [c.id, c]));
  const diff: CameraDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [id, cam] of next) {
    const prev = old.get(id);
    if (!prev) diff.added.push(cam);
    else if (!isDeepStrictEqual(prev, cam)) diff.changed.push(cam);
    else diff.unchanged.push(id);
  }
  for (const id of old.keys()) if (!next.has(id)) diff.removed.push(id);
  return diff;
}

/** Top-level sections other than `cameras` whose values changed: these need a restart to apply. */
export function sectionsNeedingRestart(before: Readonly<Config>, after: Readonly<Config>): string[] {
  return (Object.keys(after) as Array<keyof Config>).filter(
    (key) => key !== 'cameras' && key !== 'logging' && !isDeepStrictEqual(before[key], after[key]),
  );
}
