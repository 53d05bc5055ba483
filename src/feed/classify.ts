/**
 * Pure: why a feed failed, from ffmpeg's stderr, in words a person can act on. Decides the
 * error code, the fix and whether retrying makes sense.
 */
import type { ErrorCode } from '../errors.js';
import type { FeedKind } from './types.js';

export interface Failure {
  code: ErrorCode;
  /** The cause, e.g. "connection refused". */
  cause: string;
  fix: string;
  /** Retry on the backoff schedule (false: the feed ends in state error). */
  retry: boolean;
}

interface Rule {
  test: RegExp;
  failure: (kind: FeedKind) => Failure;
}

const NET_FIX = 'check that the camera or server is on and that the host, port and path in the URL are right';

const net = (cause: string, fix = NET_FIX): Rule['failure'] => () => ({ code: 'FACEIDX_FEED_UNREACHABLE', cause, fix, retry: true });

const RULES: Rule[] = [
  { test: /Connection refused/i, failure: net('connection refused (nothing listens at that host and port)') },
  { test: /\b401\b|Unauthorized/i, failure: net('credentials refused (401 Unauthorized)', 'check the user name and password in the URL') },
  { test: /\b403\b|Forbidden/i, failure: net('access forbidden (403)', 'check the user has the right to view this stream') },
  { test: /\b404\b/, failure: net('stream path not found (404)', 'check the path after the host in the URL') },
  {
    test: /\b(400 Bad Request|461 Unsupported [Tt]ransport)\b/,
    failure: net('the server refused the request (400/461), often a transport it does not support', 'try rtspTransport: udp (or tcp)'),
  },
  { test: /timed out|Timeout|ETIMEDOUT/i, failure: net('connection timed out') },
  { test: /No route to host|Network is unreachable/i, failure: net('host unreachable') },
  { test: /Name or service not known|Temporary failure in name resolution|Failed to resolve/i, failure: net('host name not found', 'check the host name in the URL') },
  { test: /Connection reset|Broken pipe|End of file/i, failure: net('connection closed by the server') },
  {
    test: /No such file or directory/i,
    failure: () => ({ code: 'FACEIDX_FEED_INPUT', cause: 'no such file', fix: 'check the path (relative paths are resolved against the config file)', retry: true }),
  },
  {
    test: /Permission denied/i,
    failure: () => ({ code: 'FACEIDX_FEED_INPUT', cause: 'permission denied', fix: 'let the faceidx user read the file', retry: true }),
  },
  {
    test: /moov atom not found/i,
    failure: () => ({ code: 'FACEIDX_FEED_INPUT', cause: 'truncated or unfinished MP4 (moov atom not found)', fix: 'finish or repair the recording (e.g. re-mux it), or remove the camera', retry: false }),
  },
  {
    test: /matches no streams|does not contain any stream|no video stream/i,
    failure: () => ({ code: 'FACEIDX_FEED_INPUT', cause: 'no video stream in the input', fix: 'point the camera at a video file or stream', retry: false }),
  },
  {
    test: /Invalid data found when processing input|could not find codec parameters|Unknown input format/i,
    failure: (kind) => ({
      code: 'FACEIDX_FEED_INPUT',
      cause: 'not a video ffmpeg can read (invalid data)',
      fix: kind === 'file' ? 'point the camera at a video file (mp4, mkv, avi, gif...)' : 'check the URL names a video stream',
      retry: kind !== 'file',
    }),
  },
];

/** ffmpeg read a file to a premature end (it exits 0 after "partial file" warnings). */
export function truncatedFile(stderr: string[]): Failure | undefined {
  if (!stderr.some((l) => /partial file|Truncated|truncated/.test(l))) return undefined;
  return {
    code: 'FACEIDX_FEED_INPUT',
    cause: 'truncated file: it ends in the middle of the video (frames before the cut were read)',
    fix: 'finish or repair the recording (e.g. re-mux it with ffmpeg), or remove the camera',
    retry: false,
  };
}

/** The last stderr lines that look like an error, for the message when no rule matches. */
export function lastErrorLine(stderr: string[]): string | undefined {
  const lines = stderr.map((l) => l.trim()).filter((l) => l.length > 0 && !/Parsed_showinfo|^\s*(Metadata|Stream|Duration|Input|Output)\b/.test(l));
  return lines.at(-1);
}

/** Classifies a failed run from its stderr lines (newest last) and exit description. */
export function classifyFailure(kind: FeedKind, stderr: string[], exit: string): Failure {
  const text = stderr.filter((l) => !l.includes('Parsed_showinfo')).slice(-40).join('\n');
  for (const rule of RULES) if (rule.test.test(text)) return rule.failure(kind);
  const last = lastErrorLine(stderr);
  return {
    code: kind === 'file' || kind === 'folder' ? 'FACEIDX_FEED_INPUT' : 'FACEIDX_FEED_UNREACHABLE',
    cause: last ? `ffmpeg ${exit}: ${last}` : `ffmpeg ${exit}`,
    fix: 'run `faceidx probe <url>` to see whether ffmpeg can read it',
    retry: true,
  };
}
