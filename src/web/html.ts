/**
 * HTML for the review page, escaped by default: the `html` tag escapes every interpolated value
 * (text and attributes alike) unless it is already `Html` (a fragment made by `html` itself, or
 * `trusted()` for markup built here, like the report's timeline SVG). Labels, camera ids, file
 * names and anything else that comes from the store can only ever show as text.
 */
import { esc } from '../report/html.js';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup produced by faceidx's own pure code (never store text): used as it is. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** "2024-05-01 10:00:03Z" (UTC, to the second). */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** "3 faces", "1 face". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** "person 12 (Jane)". */
export function personName(id: number, label: string | null | undefined): string {
  return `person ${id}${label ? ` (${label})` : ''}`;
}

/** A query string from the set values (the order given). */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
