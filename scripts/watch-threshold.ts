/**
 * Chooses alerts.threshold from a verification set: FAR/TAR operating points over LFW-format
 * pairs, from descriptors already computed by `faceidx verify --cache FILE` or `faceidx eval`
 * (its cache in ~/.cache/faceidx/eval). Computes nothing itself.
 *
 *   node --import tsx scripts/watch-threshold.ts --pairs ../shared/data/lfw-dev-pairs.txt \
 *     --images ../shared/data/lfw-dev [--verify-cache FILE] [--eval-cache FILE] [--partial] [--json]
 *
 * With both caches an image is taken from either. --partial scores only the pairs whose two
 * images are in the caches (a preview while a run is still going), and says how many.
 * --all-pairs adds operating points over every pair of the images the caches hold (label = the
 * image's folder): millions of impostor pairs instead of 3,000, so a FAR of 0.1% is not decided
 * by three pairs.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { euclidean, lfwImagePath, parsePairs } from '../src/eval/lfw.js';
import { allPairs, operatingPoint, thresholdAtFar } from '../src/eval/far.js';
import { basename, dirname, resolve } from 'node:path';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    images: { type: 'string' },
    'verify-cache': { type: 'string' },
    'eval-cache': { type: 'string' },
    json: { type: 'boolean' },
    partial: { type: 'boolean' },
    'all-pairs': { type: 'boolean' },
  },
});
if (!values.pairs || !values.images || !(values['verify-cache'] || values['eval-cache'])) {
  process.stderr.write('usage: watch-threshold.ts --pairs P --images D (--verify-cache F | --eval-cache F) [--json]\n');
  process.exit(2);
}

type Lookup = (path: string) => Float32Array | null | undefined;

/** Every image path a cache holds a descriptor for (the --all-pairs set). */
const described = new Set<string>();

function fromVerifyCache(file: string): Lookup {
  const c = JSON.parse(readFileSync(file, 'utf8')) as { items: Record<string, number[] | null> };
  for (const [p, d] of Object.entries(c.items)) if (d) described.add(p);
  return (p) => {
    const d = c.items[p];
    return d === undefined ? undefined : d && Float32Array.from(d);
  };
}

function fromEvalCache(file: string): Lookup {
  const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { d: string | null }>;
  for (const [k, e] of Object.entries(c)) if (e.d) described.add(k.split('|')[0]!);
  return (p) => {
    const st = statSync(p);
    const e = c[`${p}|${st.size}|${st.mtimeMs}`];
    if (!e) return undefined;
    if (e.d === null) return null;
    const b = Buffer.from(e.d, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
}

function descriptors(): Lookup {
  const sources = [values['verify-cache'] && fromVerifyCache(values['verify-cache']), values['eval-cache'] && fromEvalCache(values['eval-cache'])].filter((f): f is Lookup => !!f);
  return (p) => {
    for (const f of sources) {
      const d = f(p);
      if (d !== undefined) return d;
    }
    return undefined;
  };
}

const listed = parsePairs(readFileSync(values.pairs, 'utf8'));
const get = descriptors();
const known = listed.filter((p) => get(lfwImagePath(values.images!, p.a)) !== undefined && get(lfwImagePath(values.images!, p.b)) !== undefined);
if (known.length < listed.length && !values.partial) {
  process.stderr.write(`${listed.length - known.length} pairs have an image the caches do not hold: finish the verify/eval run first (or --partial)\n`);
  process.exit(1);
}
const pairs = known;
const dist = pairs.map((p) => {
  const a = get(lfwImagePath(values.images!, p.a));
  const b = get(lfwImagePath(values.images!, p.b));
  return a && b ? euclidean(a, b) : null;
});
const same = pairs.map((p) => p.same);
const round = (v: number, n = 4) => Math.round(v * 10 ** n) / 10 ** n;
const atFar = [0.0001, 0.001, 0.002, 0.005, 0.01].map((f) => ({ target: f, ...thresholdAtFar(dist, same, f) }));
const atT = [0.4, 0.45, 0.48, 0.5, 0.52, 0.54, 0.55, 0.6, 0.62].map((t) => operatingPoint(dist, same, t));
const result = {
  pairs: pairs.length,
  same: same.filter(Boolean).length,
  different: same.filter((s) => !s).length,
  noFace: dist.filter((d) => d === null).length,
  atFar: atFar.map((p) => ({ ...p, threshold: round(p.threshold), far: round(p.far, 5), tar: round(p.tar, 5) })),
  atThreshold: atT.map((p) => ({ ...p, far: round(p.far, 5), tar: round(p.tar, 5) })),
};
function allPairsResult() {
  const root = resolve(values.images!);
  const items = [...described]
    .filter((p) => dirname(dirname(resolve(p))) === root)
    .sort()
    .map((p) => ({ label: basename(dirname(p)), descriptor: get(p)! }))
    .filter((i) => i.descriptor);
  const r = allPairs(items, euclidean);
  let genuine = 0;
  for (const v of r.same) genuine += v;
  return {
    images: items.length,
    identities: new Set(items.map((i) => i.label)).size,
    genuinePairs: genuine,
    impostorPairs: r.dist.length - genuine,
    atFar: [0.0001, 0.001, 0.002, 0.005, 0.01].map((f) => {
      const p = thresholdAtFar(r.dist, r.same, f);
      return { target: f, ...p, threshold: round(p.threshold), far: round(p.far, 6), tar: round(p.tar, 5) };
    }),
    atThreshold: [0.4, 0.45, 0.48, 0.5, 0.52, 0.54, 0.55, 0.6, 0.62].map((t) => {
      const p = operatingPoint(r.dist, r.same, t);
      return { ...p, far: round(p.far, 6), tar: round(p.tar, 5) };
    }),
  };
}

const everyPair = values['all-pairs'] ? allPairsResult() : undefined;
if (values.json) {
  process.stdout.write(`${JSON.stringify({ ...result, ...(everyPair ? { allPairs: everyPair } : {}) }, null, 2)}\n`);
} else {
  process.stdout.write(`${result.pairs} pairs (${result.same} same, ${result.different} different; ${result.noFace} without a face)\n`);
  process.stdout.write('target FAR  threshold  FAR       TAR\n');
  for (const p of result.atFar) process.stdout.write(`${String(p.target).padEnd(10)}  ${p.threshold.toFixed(4)}     ${(p.far * 100).toFixed(3)}%   ${(p.tar * 100).toFixed(2)}%\n`);
  process.stdout.write('threshold  FAR       TAR\n');
  for (const p of result.atThreshold) process.stdout.write(`${p.threshold.toFixed(2).padEnd(9)}  ${(p.far * 100).toFixed(3)}%   ${(p.tar * 100).toFixed(2)}%   (${p.falseAccepts} false, ${p.trueAccepts} true accepts)\n`);
  if (everyPair) {
    process.stdout.write(`\nevery pair of ${everyPair.images} described images (${everyPair.identities} people): ${everyPair.genuinePairs} same-person, ${everyPair.impostorPairs} different-person pairs\n`);
    process.stdout.write('target FAR  threshold  FAR        TAR\n');
    for (const p of everyPair.atFar) process.stdout.write(`${String(p.target).padEnd(10)}  ${p.threshold.toFixed(4)}     ${(p.far * 100).toFixed(4)}%   ${(p.tar * 100).toFixed(2)}%\n`);
    process.stdout.write('threshold  FAR        TAR\n');
    for (const p of everyPair.atThreshold) process.stdout.write(`${p.threshold.toFixed(2).padEnd(9)}  ${(p.far * 100).toFixed(4)}%   ${(p.tar * 100).toFixed(2)}%   (${p.falseAccepts} false, ${p.trueAccepts} true accepts)\n`);
  }
}
