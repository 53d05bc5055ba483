/** Pure: where each page and image of a report lives, relative to the report folder. */

/** Sightings (person pages) and visits (camera pages) per page: keeps every page small. */
export const PAGE_SIZE = 500;

/** The file that marks a folder as a faceidx report (and lets a later report replace it). */
export const MARKER_FILE = 'faceidx-report.json';

/** The folders a report writes into (its files are listed in the marker, see owned.ts). */
export const REPORT_DIRS = ['person', 'camera', 'img'] as const;

/** The people page's script, a file of its own: the Content-Security-Policy allows no inline script. */
export const PEOPLE_SCRIPT_FILE = 'people.js';

export function personHref(id: number, page = 1): string {
  return page <= 1 ? `person/${id}.html` : `person/${id}-p${page}.html`;
}

/** A file-name-safe camera slug; the index keeps two ids that clean up alike apart. */
export function cameraSlug(id: string, index: number): string {
  const clean = id.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  return `${index}-${clean || 'camera'}`;
}

export function cameraHref(slug: string, page = 1): string {
  return page <= 1 ? `camera/${slug}.html` : `camera/${slug}-p${page}.html`;
}

export function faceImg(faceId: number): string {
  return `img/${faceId}.jpg`;
}

export function pageCount(n: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(n / size));
}
