/**
 * Webhook delivery: one HTTP POST of the alert's JSON per attempt, with a timeout; any answer
 * other than 2xx is a failure (the outbox retries it). With a secret, the body is signed.
 */
import { SIGNATURE_HEADER, signBody } from './message.js';

export interface WebhookOptions {
  url: string;
  secret?: string | undefined;
  timeoutMs: number;
}

/** POSTs `body`; resolves on a 2xx answer, else rejects with what went wrong. */
export async function postWebhook(body: string, opts: WebhookOptions): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'faceidx' };
  if (opts.secret) headers[SIGNATURE_HEADER] = signBody(body, opts.secret);
  let res: Response;
  try {
    res = await fetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
  } catch (err) {
    throw new Error(`webhook ${redactUrl(opts.url)}: ${describeFetchError(err, opts.timeoutMs)}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new Error(`webhook ${redactUrl(opts.url)} answered HTTP ${res.status}`);
}

/**
 * At start: is anything answering at the webhook's address? Any HTTP answer counts (a receiver
 * may refuse GET); a network error or timeout is returned as the reason, for a warning.
 */
export async function probeWebhook(opts: WebhookOptions): Promise<string | undefined> {
  try {
    const res = await fetch(opts.url, { method: 'HEAD', signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  } catch (err) {
    return describeFetchError(err, opts.timeoutMs);
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The URL without user info or query (they may hold tokens), for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
