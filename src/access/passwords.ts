/**
 * Password hashes for the review page's users: scrypt from node:crypto (memory-hard, no native
 * dependency), stored as `scrypt$N$r$p$<salt base64>$<hash base64>` so the cost can be raised
 * later without breaking stored hashes. Verification is constant-time; a malformed stored hash
 * never verifies.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { FaceidxError } from '../errors.js';

/** Cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s on one core of a small machine). */
export const SCRYPT = { N: 32_768, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  const opts: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `a password needs at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `a password has at most ${MAX_PASSWORD} characters`;
  if (/[\r\n]/.test(password)) return 'a password is one line';
  return undefined;
}

/** Hashes a new password (checked with passwordProblem first). */
export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new FaceidxError('FACEIDX_USAGE', problem, `choose a password of ${MIN_PASSWORD} or more characters`);
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** True when `password` matches `stored`; false for any other password and for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m || password.length > MAX_PASSWORD) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const want = Buffer.from(m[5]!, 'base64');
  if (want.length < SCRYPT.keylen || want.length > 64) return false;
  const got = await derive(password, Buffer.from(m[4]!, 'base64'), N, r, p, want.length);
  return timingSafeEqual(got, want);
}

/** A hash no password matches, checked against when a user name is unknown (same time as a real check). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
