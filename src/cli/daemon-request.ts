/** The request path to a running daemon lives in src/review (the CLI and the review page share it). */
export { askDaemon, requestTimeoutMs, type AskOptions } from '../review/daemon-request.js';
