/**
 * The one request protocol between the CLI and a running daemon. While the daemon runs it owns
 * the people (index, graph, clusters), so a CLI command that changes people writes a request
 * row into the store's `requests` table and waits; the daemon applies it in the pipeline's order
 * and writes back a result or an error.
 *
 * Contract:
 * - A request is one of `Request` (a union discriminated by `kind`); its answer is
 *   `ResultOf<kind>`. Both sides import this module and nothing of each other.
 * - Whatever is read back from the table is validated here (zod): the daemon answers a row with
 *   an unknown kind or malformed arguments with the error code FACEIDX_REQUEST (CLI and daemon
 *   of different versions); the CLI treats a result of the wrong shape the same way.
 * - An error carries a code from src/errors.ts; a thrown error without one travels as
 *   FACEIDX_INTERNAL.
 */
import { z } from 'zod';
import { ERROR_CODES, FaceidxError, type ErrorCode } from '../errors.js';

const id = z.number().int().positive();
const ids = z.array(z.number().int().nonnegative());

/** Each kind with its arguments and the shape of its result. */
const KINDS = {
  merge: { args: z.object({ a: id, b: id }), result: z.object({ kept: id }) },
  not: { args: z.object({ face: id, person: id }), result: z.object({ person: id.nullable() }) },
  recluster: {
    args: z.object({}),
    result: z.object({ people: z.number().int(), created: z.number().int(), retired: z.number().int(), seconds: z.number() }),
  },
  forget: { args: z.object({ person: id }), result: z.object({ faceIds: ids }) },
  purge: { args: z.object({ before: z.number().finite() }), result: z.object({ faceIds: ids, retired: ids }) },
  label: { args: z.object({ person: id, name: z.string().max(500) }), result: z.object({ person: id, label: z.string().nullable() }) },
  /**
   * An undone merge: `faces` (the merged person's faces when merged) leave `kept` and are `person`
   * again; `links`, the must-links the merge added, go.
   */
  unmerge: {
    args: z.object({ kept: id, person: id, faces: z.array(id).min(1), links: z.array(z.tuple([id, id])).default([]) }),
    result: z.object({ person: id, faces: z.number().int() }),
  },
} as const;

type Kinds = typeof KINDS;
export type RequestKind = keyof Kinds;
export const REQUEST_KINDS = Object.keys(KINDS) as RequestKind[];

/** A request of one kind. */
export type RequestOf<K extends RequestKind> = { kind: K; args: z.infer<Kinds[K]['args']> };
/** Any request. */
export type Request = { [K in RequestKind]: RequestOf<K> }[RequestKind];
/** The daemon's answer to a request of one kind. */
export type ResultOf<K extends RequestKind> = z.infer<Kinds[K]['result']>;

export interface RequestError {
  code: ErrorCode;
  message: string;
}

const fix = 'run the faceidx CLI of the same version as the daemon';

function isKind(kind: unknown): kind is RequestKind {
  return typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}

/** Reads a request row's kind and arguments; throws FACEIDX_REQUEST when they are not one of `Request`. */
export function parseRequest(kind: unknown, args: unknown): Request {
  if (!isKind(kind)) throw new FaceidxError('FACEIDX_REQUEST', `unknown request kind "${String(kind)}" (known: ${REQUEST_KINDS.join(', ')})`, fix);
  const parsed = KINDS[kind].args.safeParse(args);
  if (!parsed.success) throw new FaceidxError('FACEIDX_REQUEST', `malformed ${kind} request: ${describe(parsed.error)}`, fix);
  return { kind, args: parsed.data } as Request;
}

/** Reads a result written by the daemon for a request of `kind`; throws FACEIDX_REQUEST on the wrong shape. */
export function parseResult<K extends RequestKind>(kind: K, result: unknown): ResultOf<K> {
  const parsed = KINDS[kind].result.safeParse(result);
  if (!parsed.success) throw new FaceidxError('FACEIDX_REQUEST', `the daemon's answer to a ${kind} request is malformed: ${describe(parsed.error)}`, fix);
  return parsed.data as ResultOf<K>;
}

const errorSchema = z.object({ code: z.string(), message: z.string() });

/** Reads an error written by the daemon; an unknown code or shape reads as FACEIDX_INTERNAL. */
export function parseError(error: unknown): RequestError {
  const parsed = errorSchema.safeParse(error);
  if (!parsed.success) return { code: 'FACEIDX_INTERNAL', message: `the daemon answered with an unreadable error: ${JSON.stringify(error)}` };
  const code = ERROR_CODES.find((c) => c === parsed.data.code) ?? 'FACEIDX_INTERNAL';
  return { code, message: parsed.data.message };
}

/** The error to store for anything thrown while applying a request. */
export function toRequestError(err: unknown): RequestError {
  if (err instanceof FaceidxError) return { code: err.code, message: err.message };
  return { code: 'FACEIDX_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
}
