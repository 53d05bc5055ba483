/**
 * Small HTML helpers for the report's templates: escaping (every text and attribute goes
 * through `esc`), the page layout with inline CSS (no network: a Content-Security-Policy
 * allows nothing outside the report folder), UTC times, images and the SVG timeline.
 */
import type { FaceRef } from './model.js';
import type { TimelineModel } from './person-model.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** "2024-05-01 10:00:03.250Z" (UTC). */
export function utc(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ');
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
nav{background:#263238;padding:8px 16px}nav a{color:#fff;margin-right:16px;text-decoration:none;font-weight:600}
main{padding:12px 16px}h1{font-size:20px;margin:8px 0}h2{font-size:16px;margin:18px 0 6px}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:middle}
th{background:#eceff1;cursor:default}th.sort{cursor:pointer}td.n{text-align:right}
.face{width:56px;height:56px;object-fit:cover;display:block;background:#ccc center/cover no-repeat}
.noimg{width:56px;height:56px;background:#ddd;color:#666;font-size:10px;display:flex;align-items:center;justify-content:center}
.faces{display:flex;flex-wrap:wrap;gap:8px}.faces figure{margin:0;font-size:11px;width:120px}.faces .face{width:112px;height:112px}
code{background:#eee;padding:1px 4px;font-size:12px;word-break:break-all}.muted{color:#777}.pager a{margin-right:8px}
svg text{font:11px system-ui,sans-serif}`;

/**
 * No inline script may run (escaping is not the only defence): scripts are files of the report
 * (`'self'`; `file:` for Chromium, which gives a page opened from disk an opaque origin).
 */
export const CSP = "default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; script-src 'self' file:";

/** A whole page; `root` is the way back to the report folder ('' or '../'); `script`: a script file of the report. */
export function layout(title: string, root: string, body: string, script = '', styles = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<title>${esc(title)} - faceidx report</title><style>${CSS}</style>${styles ? `<style>\n${styles}\n</style>` : ''}</head>
<body><nav><a href="${esc(root)}index.html">Overview</a><a href="${esc(root)}people.html">People</a></nav>
<main>${body}</main>${script ? `<script src="${esc(root + script)}"></script>` : ''}</body></html>
`;
}

/**
 * A face image: a file of the report (lazy <img>), or an inlined one drawn from the page's
 * style rule `.i<faceId>` (see inlineStyles), so a face shown twice on a page is stored once.
 */
export function img(root: string, face: FaceRef | null, alt: string): string {
  if (!face?.img) return `<div class="noimg">no image</div>`;
  if (face.img.startsWith('data:')) return `<span class="face i${face.faceId}" role="img" aria-label="${esc(alt)}"></span>`;
  return `<img class="face" loading="lazy" src="${esc(root + face.img)}" alt="${esc(alt)}" width="56" height="56">`;
}

/** One style rule per inlined face of a page (data: URIs hold only base64 characters). */
export function inlineStyles(faces: ReadonlyArray<FaceRef | null>): string {
  const rules = new Map<number, string>();
  for (const f of faces) {
    if (f?.img?.startsWith('data:') && /^data:image\/jpeg;base64,[A-Za-z0-9+/=]*$/.test(f.img)) rules.set(f.faceId, `.i${f.faceId}{background-image:url(${f.img})}`);
  }
  return [...rules.values()].join('\n');
}

export function link(href: string, text: string | number): string {
  return `<a href="${esc(href)}">${esc(text)}</a>`;
}

/** Links to every page of a paged list ("1 2 3"), the current one as plain text. */
export function pager(page: number, pages: number, href: (page: number) => string): string {
  if (pages <= 1) return '';
  const items = Array.from({ length: pages }, (_, i) => (i + 1 === page ? `<b>${i + 1}</b>` : link(href(i + 1), i + 1)));
  return `<p class="pager">Pages: ${items.join(' ')}</p>`;
}

const TL = { width: 900, label: 150, row: 26, pad: 18 };

/**
 * One SVG per camera, each over its own footage span (cameras' clocks may lie years apart): a
 * tick at every sighting (one per pixel column), the first and last sighting's times below.
 */
export function timelineSvg(t: TimelineModel): string {
  const plot = TL.width - TL.label - 10;
  const height = TL.row + TL.pad;
  return t.rows
    .map((r) => {
      const start = r.times[0] ?? 0;
      const span = Math.max(1, (r.times[r.times.length - 1] ?? 0) - start);
      const xs = [...new Set(r.times.map((ts) => Math.round(((ts - start) / span) * plot)))];
      const ticks = xs.map((x) => `<rect x="${TL.label + x}" y="4" width="2" height="${TL.row - 8}" fill="#1e88e5"/>`).join('');
      return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${TL.width}" height="${height}" viewBox="0 0 ${TL.width} ${height}" role="img" aria-label="${esc(`timeline on ${r.camera}`)}">` +
        `<g class="tl-row"><title>${esc(r.camera)}: ${r.times.length} sighting(s)</title><text x="0" y="${TL.row / 2 + 4}">${esc(r.camera)}</text>` +
        `<line x1="${TL.label}" y1="${TL.row / 2}" x2="${TL.label + plot}" y2="${TL.row / 2}" stroke="#ccc"/>${ticks}</g>` +
        `<text x="${TL.label}" y="${TL.row + 12}">${esc(utc(start))}</text>` +
        `<text x="${TL.label + plot}" y="${TL.row + 12}" text-anchor="end">${esc(utc(start + (r.times.length > 1 ? span : 0)))}</text></svg>`;
    })
    .join('\n');
}
