/**
 * Loads a faceidx YAML config: `${ENV}` substitution in values, validation against the one
 * schema, problems reported as `file:line: key.path: message`, relative paths resolved against
 * the file's folder, and a deeply frozen result. The daemon and `faceidx config check` share it.
 */
import { readFileSync, statSync, accessSync, constants } from 'node:fs';
import { dirname, resolve, isAbsolute, parse as parsePath } from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { FaceidxError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export interface ConfigProblem {
  file: string;
  line: number;
  path: string;
  message: string;
}

export class ConfigError extends FaceidxError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super('FACEIDX_CONFIG', problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export interface LoadOptions {
  /** Environment for `${VAR}` substitution (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Check that storage.dir can be created or written (default true). */
  checkStorage?: boolean;
  /**
   * Leave `${VAR}` as written when VAR is unset instead of failing (CLI commands that never open
   * a feed: a camera's password need not be in the environment of someone listing people).
   */
  allowMissingEnv?: boolean;
}

/** Reads, validates and freezes a config file; throws ConfigError listing every problem. */
export function loadConfig(file: string, options: LoadOptions = {}): Readonly<Config> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found: create it (see config/faceidx.example.yaml) or pass --config <file>'
        : code === 'EISDIR'
          ? 'is a folder, not a file: pass the YAML file itself'
          : `cannot be read (${code ?? String(err)}): check its permissions`;
    throw new ConfigError([{ file, line: 0, path: '', message: why }]);
  }
  return parseConfig(text, file, options);
}

/** Like loadConfig, from text already in memory; `file` names it in messages and anchors relative paths. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): Readonly<Config> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        line: lineOf(e.pos[0]),
        path: '',
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  if (doc.contents === null) {
    throw new ConfigError([{ file, line: 1, path: '', message: 'the file is empty: it needs at least storage.dir and cameras' }]);
  }

  const problems = substituteEnv(doc, file, lineOf, options.env ?? process.env, options.allowMissingEnv ?? false);
  if (problems.length > 0) throw new ConfigError(problems);

  const result = configSchema.safeParse(toPlain(doc, file, lineOf));
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((issue) => issueToProblems(issue, doc, file, lineOf)));
  }
  const config = resolvePaths(result.data, dirname(resolve(file)));
  if (options.checkStorage ?? true) {
    const problem = checkStorageDir(config.storage.dir);
    if (problem) {
      throw new ConfigError([{ file, line: lineOf(nodeAt(doc, ['storage', 'dir'])?.range?.[0]), path: 'storage.dir', message: problem }]);
    }
  }
  return deepFreeze(config);
}

/** YAML aliases (`*name`) may expand to at most this many nodes: a "billion laughs" file is refused, not expanded. */
export const MAX_ALIAS_COUNT = 100;

/** The document as plain values; too many aliases is a config problem (exit 78), not a crash. */
function toPlain(doc: Document, file: string, lineOf: (offset: number | undefined) => number): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError) || !/alias/i.test(err.message)) throw err;
    let first: number | undefined;
    visit(doc, { Alias: (_k, node) => void (first ??= node.range?.[0]) });
    throw new ConfigError([{
      file,
      line: lineOf(first),
      path: '',
      message: `the file has too many aliases (its *references expand past ${MAX_ALIAS_COUNT} nodes, as in a "billion laughs" file): write the values out instead of repeating them through anchors and aliases`,
    }]);
  }
}

/** Replaces `${NAME}` and `${NAME:-default}` inside string values; `$${` stays a literal `${`. */
function substituteEnv(
  doc: Document,
  file: string,
  lineOf: (offset: number | undefined) => number,
  env: NodeJS.ProcessEnv,
  allowMissing: boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (match, name: string, fallback?: string) => {
        if (match.startsWith('$$')) return match.slice(1);
        const value = env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        if (allowMissing) return match;
        problems.push({
          file,
          line: lineOf(node.range?.[0]),
          path: '',
          message: `environment variable ${name} is not set: export it (e.g. in the service's EnvironmentFile) or write \${${name}:-default}`,
        });
        return match;
      });
    },
  });
  return problems;
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  const node = doc.getIn(path as unknown[], true);
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** The deepest node that exists along `path`, for issues about missing keys. */
function nearestNode(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(doc, path.slice(0, n));
    if (node) return node;
  }
  return undefined;
}

function issueToProblems(
  issue: z.core.$ZodIssue,
  doc: Document,
  file: string,
  lineOf: (offset: number | undefined) => number,
): ConfigProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const map = nodeAt(doc, path);
    return issue.keys.map((key) => {
      let line = lineOf(map?.range?.[0]);
      if (map && isMap(map)) {
        const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
        if (pair && isScalar(pair.key)) line = lineOf(pair.key.range?.[0]);
      }
      return { file, line, path: [...path, key].join('.'), message: `unknown key "${key}": remove it or check its spelling${suggest(key, path)}` };
    });
  }
  const node = nodeAt(doc, path);
  const missing = !node;
  const line = lineOf((node ?? nearestNode(doc, path))?.range?.[0]);
  let message = issue.message;
  if (missing && issue.code === 'invalid_type') message = `is required: add it (${issue.message.replace(/^Invalid input: /, '')})`;
  return [{ file, line, path: path.join('.') || '(top level)', message }];
}

/** "did you mean" for unknown keys, from the keys the schema allows at that place. */
function suggest(key: string, path: readonly PropertyKey[]): string {
  const known = knownKeys(path);
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  // Walk the schema's shape along the path, stepping through arrays, defaults and effects.
  let schema: unknown = configSchema;
  const unwrap = (s: unknown): unknown => {
    let cur = s as { def?: { type?: string; innerType?: unknown; in?: unknown; element?: unknown; schema?: unknown } };
    for (let i = 0; i < 10 && cur?.def; i++) {
      const d = cur.def;
      if (d.innerType) cur = d.innerType as typeof cur;
      else if (d.type === 'pipe' && d.in) cur = d.in as typeof cur;
      else break;
    }
    return cur;
  };
  schema = unwrap(schema);
  for (const step of path) {
    const s = schema as { shape?: Record<string, unknown>; def?: { element?: unknown } };
    if (typeof step === 'number' && s.def?.element) schema = unwrap(s.def.element);
    else if (typeof step === 'string' && s.shape?.[step]) schema = unwrap(s.shape[step]);
    else return [];
  }
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function resolvePaths(config: Config, base: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...config,
    storage: { ...config.storage, dir: abs(config.storage.dir) },
    inference: { ...config.inference, ...(config.inference.modelDir ? { modelDir: abs(config.inference.modelDir) } : {}) },
    serve: { ...config.serve, ...(config.serve.tls ? { tls: { cert: abs(config.serve.tls.cert), key: abs(config.serve.tls.key) } } : {}) },
    cameras: config.cameras.map((cam) => ({
      ...cam,
      url: SCHEME.test(cam.url) ? cam.url : abs(cam.url.startsWith('file:') ? cam.url.slice(5) : cam.url),
    })),
  };
}

/** Why storage.dir cannot be used, or undefined when it can (exists writable, or can be created). */
export function checkStorageDir(dir: string): string | undefined {
  let probe = dir;
  for (;;) {
    try {
      const st = statSync(probe);
      if (!st.isDirectory()) {
        return probe === dir
          ? `${dir} exists but is not a folder: point storage.dir at a folder`
          : `${probe} is not a folder, so ${dir} cannot be created: point storage.dir elsewhere`;
      }
      try {
        accessSync(probe, constants.W_OK | constants.X_OK);
      } catch {
        return probe === dir
          ? `${dir} is not writable by this user: fix its owner/permissions (e.g. chown faceidx ${dir}) or choose another storage.dir`
          : `${dir} does not exist and ${probe} is not writable, so it cannot be created: create it for this user or choose another storage.dir`;
      }
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return `a part of ${dir} is a file, not a folder: point storage.dir at a folder`;
      if (code !== 'ENOENT') return `${probe}: ${(err as Error).message}`;
      const parent = dirname(probe);
      if (parent === probe || probe === parsePath(probe).root) return `${dir} cannot be created: choose another storage.dir`;
      probe = parent;
    }
  }
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
