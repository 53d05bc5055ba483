/**
 * What a delivered alert says (pure): the JSON body sent to the webhook and published over MQTT,
 * its HMAC signature, and when a failed delivery is tried again.
 */
import { createHmac } from 'node:crypto';
import { backoffDelay } from '../feed/backoff.js';
import type { DueDelivery } from '../store/alerts.js';

/** The alert as receivers get it. Field names are a public contract: add, never rename. */
export interface AlertMessage {
  alert: number;
  /** The watch-list entry that matched. */
  name: string;
  /** faceidx's person id of the track's face when known (`faceidx person <id>`), else null. */
  person: number | null;
  camera: string;
  track: number;
  face: number | null;
  /** Time of the sighting, ISO 8601 UTC. */
  time: string;
  /** Smallest descriptor distance between the face and the entry's photos. */
  distance: number;
  /** The face as a JPEG, base64; null when no thumbnail was stored. */
  image: string | null;
  imageType: 'image/jpeg';
}

export function alertMessage(d: Pick<DueDelivery, 'id' | 'entryName' | 'personId' | 'cameraId' | 'trackId' | 'faceId' | 'ts' | 'distance' | 'thumbnail'>): AlertMessage {
  return {
    alert: d.id,
    name: d.entryName,
    person: d.personId,
    camera: d.cameraId,
    track: d.trackId,
    face: d.faceId,
    time: new Date(d.ts).toISOString(),
    distance: Math.round(d.distance * 1e4) / 1e4,
    image: d.thumbnail ? Buffer.from(d.thumbnail).toString('base64') : null,
    imageType: 'image/jpeg',
  };
}

export const SIGNATURE_HEADER = 'X-Faceidx-Signature';
/** Unix time in seconds when the request was signed (every attempt is signed anew). */
export const TIMESTAMP_HEADER = 'X-Faceidx-Timestamp';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` (the exact body bytes), as Stripe- and
 * Slack-style receivers verify it: a captured request stops verifying once its timestamp is
 * older than the receiver's tolerance.
 */
export function signBody(body: string, secret: string, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body, 'utf8').digest('hex')}`;
}

/** The two signature headers for `body` sent at `nowMs`. */
export function signatureHeaders(body: string, secret: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signBody(body, secret, timestamp) };
}

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Failed attempts before giving up; 'unlimited' never gives up. */
  retries: number | 'unlimited';
}

/**
 * When to try again after the `attempts`-th failed attempt (1-based): initial, 2x, 4x... capped
 * at maxMs; null once `retries` failures are used up.
 */
export function nextAttemptAt(attempts: number, now: number, policy: RetryPolicy): number | null {
  if (policy.retries !== 'unlimited' && attempts > policy.retries) return null;
  return now + backoffDelay(attempts - 1, { initialMs: policy.initialMs, maxMs: policy.maxMs });
}
