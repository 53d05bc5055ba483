/**
 * Tests that need a real outside program (an RTSP server, an MQTT broker, a browser...) call
 * requireCommand first: when the program is missing the test FAILS with the Debian package to
 * install, never passes or skips silently. Every package named here must be on the README's
 * "to run the tests" prerequisites line, which `.ci/run` installs.
 */
import { spawnSync } from 'node:child_process';

/** The absolute path of `command` on PATH, or undefined. */
export function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path.length > 0 ? path : undefined;
}

/** Throws (failing the test) unless `command` is on PATH; the message names the package and why. */
export function requireCommand(command: string, aptPackage: string, why: string): string {
  const path = which(command);
  if (path) return path;
  throw new Error(
    `${command} is not installed: ${why}. Install it with \`sudo apt-get install -y ${aptPackage}\` ` +
      "(the README's prerequisites list every package the tests need)",
  );
}
