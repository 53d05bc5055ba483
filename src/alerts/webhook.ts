/**
 * Webhook delivery: one HTTP POST of the alert's JSON per attempt, with a timeout; any answer
 * other than 2xx is a failure (the outbox retries it). With a secret, the body is signed.
 */
import { redactText, redactUrl } from '../redact.js';
import { signatureHeaders } from './message.js';

export interface WebhookOptions {
  url: string;
  secret?: string | undefined;
  /** alerts.webhook.headers (e.g. Authorization); never logged. */
  headers?: Readonly<Record<string, string>> | undefined;
  timeoutMs: number;
}

/** POSTs `body`; resolves on a 2xx answer, else rejects with what went wrong. */
export async function postWebhook(body: string, opts: WebhookOptions): Promise<void> {
  const headers: Record<string, string> = { 'user-agent': 'faceidx', ...opts.headers, 'content-type': 'application/json', ...(opts.secret ? signatureHeaders(body, opts.secret) : {}) };
  let res: Response;
  try {
    res = await fetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
  } catch (err) {
    throw new Error(redactText(`webhook ${redactUrl(opts.url)}: ${describeFetchError(err, opts.timeoutMs)}`, opts.url));
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
    return redactText(describeFetchError(err, opts.timeoutMs), opts.url);
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
