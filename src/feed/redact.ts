/** Keeps passwords out of logs, errors and CLI output. */

const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)([^@\s/]*)@/gi;

/** rtsp://user:secret@host/path -> rtsp://user:***@host/path. Anything else is returned as is. */
export function redactUrl(url: string): string {
  return url.replace(CREDENTIALS, (_m, head: string) => `${head}***@`);
}

/** The password of a URL, raw and percent-decoded forms; empty when there is none. */
export function urlSecrets(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]*)@/i.exec(url);
  const raw = m?.[1];
  if (!raw) return [];
  const out = new Set<string>([raw]);
  try {
    out.add(decodeURIComponent(raw));
  } catch {
    // keep the raw form only
  }
  return [...out].filter((s) => s.length > 0);
}

/** Redacts every URL credential in `text`, and the given URL's password wherever it appears alone. */
export function redactText(text: string, url?: string): string {
  let out = text.replace(CREDENTIALS, (_m, head: string) => `${head}***@`);
  for (const secret of url ? urlSecrets(url) : []) out = out.split(secret).join('***');
  return out;
}
