import { z } from 'zod';

/** Parses "500ms", "30s", "5m", "12h", "30d", "2w" or a number of seconds into milliseconds. */
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(n * UNITS[m[2] ?? 's']!);
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration as "500ms", "30s", "5m", "12h", "30d", "2w" or a number of seconds. Parsed to ms. */
export const duration = z
  .union([z.number().nonnegative(), z.string()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a duration: use a number of seconds or e.g. 500ms, 30s, 5m, 12h, 30d, 2w`,
      });
      return z.NEVER;
    }
    return ms;
  });

