/**
 * What any local user can read of a process: `/proc/<pid>/cmdline` is world-readable, environ
 * only for its owner. When the tests run as root (CI), the reading is done as `nobody` through
 * setpriv (util-linux), so the check is what an unprivileged user sees.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireCommand } from './prerequisites.js';

/** `/proc/<pid>/<file>` as an unprivileged user reads it (NULs as spaces), or null when refused. */
export function readProcUnprivileged(pid: number, file: 'cmdline' | 'environ'): string | null {
  const path = `/proc/${pid}/${file}`;
  if (process.getuid?.() === 0) {
    const setpriv = requireCommand('setpriv', 'util-linux', 'the secrets test reads /proc as the user nobody');
    const r = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', path]);
    return r.status === 0 ? r.stdout.toString('utf8').replace(/\0/g, ' ') : null;
  }
  try {
    return readFileSync(path).toString('utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

/** The live ffmpeg processes started by this process. */
export function ffmpegChildren(): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, stat, comm]) => pid && comm === 'ffmpeg' && !stat!.startsWith('Z'))
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}
