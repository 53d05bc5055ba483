/** What the review site's routes work with (built once by server.ts). */
import type { Config } from '../config/schema.js';
import type { FaceEngine } from '../faces/index.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';

export interface WebDeps {
  config: Readonly<Config>;
  store: Store;
  log: Logger;
  /** The running daemon's pid, if any (default: storage.dir's pid file). */
  daemonPid?: () => number | undefined;
  /** The face pipeline for search by photo, created on first use. */
  engine: () => Promise<Pick<FaceEngine, 'analyze'>>;
}
