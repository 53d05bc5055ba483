// The CLI reaches the daemon only through src/runtime/: no module under src/cli imports from
// src/daemon (a value import would load the daemon's modules into every command, `--help` too).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'src', 'cli');
const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Module specifiers a source file imports or re-exports (static and dynamic). */
export function importsOf(source: string): string[] {
  return [...source.matchAll(importRe)].map((m) => (m[1] ?? m[2])!);
}

test('importsOf finds static, re-exported and dynamic imports', () => {
  const src = "import { a } from '../daemon/x.js';\nexport { b } from \"./y.js\";\nconst m = await import('../runtime/launch.js');";
  assert.deepEqual(importsOf(src), ['../daemon/x.js', './y.js', '../runtime/launch.js']);
});

test('no module in src/cli imports from src/daemon', () => {
  const offenders: string[] = [];
  for (const file of readdirSync(cliDir).filter((f) => f.endsWith('.ts'))) {
    for (const spec of importsOf(readFileSync(join(cliDir, file), 'utf8'))) {
      if (/(^|\/)daemon\//.test(spec)) offenders.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(offenders, [], 'the CLI should reach the daemon through src/runtime/');
});
