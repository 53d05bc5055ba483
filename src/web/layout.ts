/**
 * The frame of every page of the review site: the navigation, who is logged in, the CSRF token
 * for the page's script (a meta tag), and the one stylesheet and script, both files served by
 * faceidx (the Content-Security-Policy allows no inline script or style).
 */
import type { Role } from '../store/users.js';
import { html, type Html } from './html.js';

export interface Viewer {
  name: string;
  role: Role;
  /** CSRF token for this session's requests. */
  csrf: string;
}

const NAV: Array<[string, string]> = [
  ['/people', 'People'],
  ['/search', 'Search by photo'],
  ['/watch', 'Watch list & alerts'],
  ['/status', 'Feeds'],
  ['/audit', 'Audit log'],
];

export function layout(title: string, viewer: Viewer | null, body: Html, data: Record<string, string | number> = {}): string {
  const attrs = Object.entries(data).map(([k, v]) => html` data-${k}="${v}"`);
  const nav = viewer
    ? html`<nav><span class="brand">faceidx</span>${NAV.map(([href, text]) => html`<a href="${href}">${text}</a>`)}
<span class="who">${viewer.name} (${viewer.role})</span>
<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button type="submit">Log out</button></form></nav>`
    : html`<nav><span class="brand">faceidx</span></nav>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${viewer ? html`<meta name="csrf-token" content="${viewer.csrf}">` : ''}
<title>${title} - faceidx</title><link rel="stylesheet" href="/static/desk.css"><script src="/static/desk.js" defer></script></head>
<body${attrs}${viewer ? html` data-role="${viewer.role}"` : ''}>${nav}
<div id="toasts" aria-live="polite"></div>
<main>${body}</main></body></html>
`.text;
}

/** Links to the pages of a paged list: "1 2 3 ... 9" with the current page as plain text. */
export function pager(page: number, pages: number, href: (page: number) => string): Html {
  if (pages <= 1) return html``;
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  const items: Html[] = [];
  let last = 0;
  for (const p of shown) {
    if (p > last + 1) items.push(html`<span class="gap">...</span>`);
    items.push(p === page ? html`<b>${p}</b>` : html`<a href="${href(p)}">${p}</a>`);
    last = p;
  }
  return html`<p class="pager">Page ${items}</p>`;
}

/**
 * A face thumbnail served by /face/<id>.jpg (only to a logged-in user), or inlined from `jpeg`
 * (a page of many faces comes in one response), or a grey box.
 */
export function faceImg(faceId: number | null, alt: string, size: 'small' | 'large' = 'small', jpeg?: Buffer): Html {
  if (faceId === null) return html`<span class="noimg ${size}">no image</span>`;
  if (jpeg) return html`<img class="face ${size}" src="data:image/jpeg;base64,${jpeg.toString('base64')}" alt="${alt}">`;
  return html`<img class="face ${size}" src="/face/${faceId}.jpg" alt="${alt}" loading="lazy">`;
}
