/**
 * Every error faceidx raises on purpose carries a stable code and the fix, so a person
 * reading a log line or a CLI message knows what went wrong and what to do next.
 */
export type ErrorCode =
  | 'FACEIDX_CONFIG'
  | 'FACEIDX_STORAGE'
  | 'FACEIDX_DB_NEWER'
  | 'FACEIDX_DB_OLDER'
  | 'FACEIDX_DB_LOCKED'
  | 'FACEIDX_DB_MISSING'
  /** The PostgreSQL store cannot be reached (down, wrong host, network). */
  | 'FACEIDX_DB_UNREACHABLE'
  /** The PostgreSQL store refused an action to this role (least-privilege roles, another site's data). */
  | 'FACEIDX_DB_DENIED'
  | 'FACEIDX_FEED_UNREACHABLE'
  | 'FACEIDX_FEED_INPUT'
  | 'FACEIDX_MODEL'
  | 'FACEIDX_PROVIDER'
  | 'FACEIDX_IMAGE'
  | 'FACEIDX_DESCRIPTOR'
  | 'FACEIDX_INDEX'
  | 'FACEIDX_NOT_FOUND'
  | 'FACEIDX_USAGE'
  /** A CLI request the daemon cannot read: unknown kind or malformed arguments (CLI and daemon of different versions). */
  | 'FACEIDX_REQUEST'
  /** A bug: an error without a code of its own, reported as it was thrown. */
  | 'FACEIDX_INTERNAL';

/** Every code, for checking one read back from outside (the requests table). */
export const ERROR_CODES: readonly ErrorCode[] = [
  'FACEIDX_CONFIG', 'FACEIDX_STORAGE', 'FACEIDX_DB_NEWER', 'FACEIDX_DB_LOCKED', 'FACEIDX_DB_MISSING', 'FACEIDX_DB_UNREACHABLE', 'FACEIDX_DB_DENIED', 'FACEIDX_FEED_UNREACHABLE',
  'FACEIDX_FEED_INPUT', 'FACEIDX_MODEL', 'FACEIDX_PROVIDER', 'FACEIDX_IMAGE', 'FACEIDX_DESCRIPTOR', 'FACEIDX_INDEX', 'FACEIDX_NOT_FOUND',
  'FACEIDX_USAGE', 'FACEIDX_REQUEST', 'FACEIDX_INTERNAL',
];

export class FaceidxError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;

  constructor(code: ErrorCode, message: string, fix?: string, options?: { cause?: unknown }) {
    super(fix ? `${message} (fix: ${fix})` : message, options);
    this.name = 'FaceidxError';
    this.code = code;
    this.fix = fix;
  }
}

export function isFaceidxError(err: unknown, code?: ErrorCode): err is FaceidxError {
  return err instanceof FaceidxError && (code === undefined || err.code === code);
}

/** Exit codes shared by every command (sysexits.h where one fits). */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  NOINPUT: 66, // EX_NOINPUT: `run --until-done` ended, but some camera's input could not be read (to its end)
  UNAVAILABLE: 69, // EX_UNAVAILABLE: a feed, model or provider cannot be used
  SOFTWARE: 70,
  CANTCREAT: 73, // EX_CANTCREAT: storage cannot be written
  TEMPFAIL: 75, // EX_TEMPFAIL: database locked, try again
  NOPERM: 77, // EX_NOPERM: the PostgreSQL store refused this role the action
  PROTOCOL: 76, // EX_PROTOCOL: the daemon could not read the CLI's request
  CONFIG: 78, // EX_CONFIG: the configuration is invalid
} as const;

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof FaceidxError)) return ExitCode.SOFTWARE;
  switch (err.code) {
    case 'FACEIDX_CONFIG':
    case 'FACEIDX_DB_NEWER':
      return ExitCode.CONFIG;
    case 'FACEIDX_STORAGE':
      return ExitCode.CONFIG;
    case 'FACEIDX_DB_LOCKED':
    case 'FACEIDX_DB_OLDER':
      return ExitCode.TEMPFAIL;
    case 'FACEIDX_DB_MISSING':
    case 'FACEIDX_NOT_FOUND':
      return ExitCode.NOT_FOUND;
    case 'FACEIDX_USAGE':
      return ExitCode.USAGE;
    case 'FACEIDX_REQUEST':
      return ExitCode.PROTOCOL;
    case 'FACEIDX_INTERNAL':
      return ExitCode.SOFTWARE;
    case 'FACEIDX_DB_DENIED':
      return ExitCode.NOPERM;
    case 'FACEIDX_FEED_UNREACHABLE':
    case 'FACEIDX_DB_UNREACHABLE':
    case 'FACEIDX_MODEL':
    case 'FACEIDX_PROVIDER':
      return ExitCode.UNAVAILABLE;
    default:
      return ExitCode.FAILURE;
  }
}
