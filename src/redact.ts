/**
 * Keeps secrets out of every output: logs, errors, `faceidx status` and status.json, the
 * cameras table, the report, alert delivery errors. One rule, by parsing the URL as ffmpeg and
 * WHATWG parsers do (never by a pattern over the whole text): the authority ends at the first
 * '/', '?' or '#' after '://', and its last '@' ends the user info, so a password may hold '@'.
 * The password becomes `***` (the user name stays), and so does the value of every query or
 * fragment parameter whose name is a known secret (SECRET_KEYS).
 */

/** Query and fragment parameters whose values are secrets (compared lower-case). */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password', 'pwd', 'pass', 'passwd', 'token', 'access_token', 'auth', 'key', 'apikey', 'api_key', 'secret', 'signature', 'sig',
]);

const MASK = '***';

/** Secrets shorter than this are masked inside URLs only: replacing them everywhere would garble the text. */
const MIN_FREE_SECRET = 4;

interface UrlParts {
  /** "rtsp://" */
  scheme: string;
  /** The user info without its '@', or undefined when there is none. */
  userinfo: string | undefined;
  /** host[:port] and the path */
  hostPath: string;
  query: string | undefined;
  fragment: string | undefined;
}

function split(url: string): UrlParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(url);
  if (!m) return undefined;
  const rest = url.slice(m[1]!.length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const after = end < 0 ? '' : rest.slice(end);
  const at = authority.lastIndexOf('@');
  const hash = after.indexOf('#');
  const beforeHash = hash < 0 ? after : after.slice(0, hash);
  const q = beforeHash.indexOf('?');
  return {
    scheme: m[1]!,
    userinfo: at < 0 ? undefined : authority.slice(0, at),
    hostPath: (at < 0 ? authority : authority.slice(at + 1)) + (q < 0 ? beforeHash : beforeHash.slice(0, q)),
    query: q < 0 ? undefined : beforeHash.slice(q + 1),
    fragment: hash < 0 ? undefined : after.slice(hash + 1),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The pairs of a query or fragment, raw, with whether each names a secret. */
function params(text: string): Array<{ key: string; value: string | undefined; secret: boolean }> {
  return text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    return { key, value: eq < 0 ? undefined : pair.slice(eq + 1), secret: SECRET_KEYS.has(decode(key).trim().toLowerCase()) };
  });
}

function maskParams(text: string): string {
  return params(text).map((p) => (p.value === undefined ? p.key : `${p.key}=${p.secret && p.value !== '' ? MASK : p.value}`)).join('&');
}

/**
 * `rtsp://admin:p@ss@host/cam?token=x&channel=1` -> `rtsp://admin:***@host/cam?token=***&channel=1`.
 * Anything without `scheme://` (a file path) is returned as is.
 */
export function redactUrl(url: string): string {
  const p = split(url);
  if (!p) return url;
  let out = p.scheme;
  if (p.userinfo !== undefined) {
    const colon = p.userinfo.indexOf(':');
    out += colon < 0 ? `${p.userinfo}@` : `${p.userinfo.slice(0, colon)}:${MASK}@`;
  }
  out += p.hostPath;
  if (p.query !== undefined) out += `?${maskParams(p.query)}`;
  if (p.fragment !== undefined) out += `#${maskParams(p.fragment)}`;
  return out;
}

/** The secrets a URL holds (password, secret parameter values), raw and percent-decoded. */
export function urlSecrets(url: string): string[] {
  const p = split(url);
  if (!p) return [];
  const raw: string[] = [];
  if (p.userinfo !== undefined && p.userinfo.includes(':')) raw.push(p.userinfo.slice(p.userinfo.indexOf(':') + 1));
  for (const part of [p.query, p.fragment]) {
    for (const q of part === undefined ? [] : params(part)) if (q.secret && q.value) raw.push(q.value);
  }
  return [...new Set(raw.flatMap((s) => [s, decode(s)]))].filter((s) => s.length > 0);
}

/** What in a URL is a credential: user info (a user alone counts) or a secret parameter; undefined when none. */
export function urlCredentials(url: string): string | undefined {
  const p = split(url);
  if (!p) return undefined;
  const keys = [p.query, p.fragment].flatMap((part) => (part === undefined ? [] : params(part).filter((q) => q.secret).map((q) => decode(q.key))));
  const what = [...(p.userinfo !== undefined ? ['user info (user:password@)'] : []), ...keys.map((k) => `the parameter "${k}"`)];
  return what.length > 0 ? what.join(' and ') : undefined;
}

/** URL-like words in free text (ffmpeg's stderr, error messages): up to a blank or a quote. */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;

/**
 * Redacts every URL in `text`, and the secrets of `url` (a camera's, a webhook's) wherever
 * they appear alone (e.g. percent-decoded in a message), when long enough to be told apart.
 */
export function redactText(text: string, url?: string): string {
  let out = text.replace(URL_IN_TEXT, (u) => {
    const tail = /[.,;:!?)\]}]+$/.exec(u)?.[0] ?? ''; // sentence punctuation after the URL
    return redactUrl(u.slice(0, u.length - tail.length)) + tail;
  });
  const secrets = (url ? urlSecrets(url) : []).filter((s) => s.length >= MIN_FREE_SECRET).sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}
