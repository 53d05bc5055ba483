/**
 * The leader's loop over the shared store: faces the sites ship are found (a NOTIFY wakes it at
 * once; a poll every cluster.poll catches what a lost notification would miss), handed to the
 * people core as the edge daemon's pipeline would hand them (with their track and frame), and
 * their tracks are compared with the watch list, so an alert fires once per track in the whole
 * deployment (UNIQUE in the shared store). The cursor is a snapshot (store/central.ts): faces
 * committed out of id order are never skipped.
 *
 * Contract: rounds run one at a time; a round's faces are in the people core before the cursor
 * moves; faces the core already has (caught up when it opened) are not added again; an error
 * ends the round, is logged and the next round retries from the same cursor. A new leader starts
 * from the cursor its predecessor stored, so the faces stored between two leaders are compared
 * with the watch list too.
 */
import type { Logger } from '../log/logger.js';
import type { PeopleFace } from '../people/index.js';
import type { ClusterFace, CentralRepository } from '../store/index.js';
import type { TrackUpdate } from '../alerts/service.js';

export interface FollowerOptions {
  central: CentralRepository;
  people: { knows(faceId: number): boolean; addFaces(faces: PeopleFace[]): Promise<Map<number, number>> };
  /** Alerts: one update per track that got a clusterable face. */
  onTrackUpdate?: (u: TrackUpdate) => Promise<unknown>;
  /** Persists the cursor (meta 'cluster.cursor'). */
  saveCursor: (snapshot: string) => Promise<void>;
  pollMs: number;
  log: Logger;
  /** Faces handed to the core per call. */
  chunk?: number;
}

export interface FollowerStats {
  rounds: number;
  faces: number;
  lastRoundAt: number | null;
  /** The snapshot the next round reads from (null: every face in the store). */
  cursor: string | null;
}

/** The people core's view of a shipped face (the frame key: faces of one frame are never one person). */
export function toPeopleFace(f: ClusterFace): PeopleFace {
  return { id: f.id, descriptor: f.descriptor, clusterable: f.clusterable, trackId: f.trackId, frame: `${f.cameraId}@${f.ts}@${f.framePos}` };
}

/** One alert update per track with a clusterable face among `faces` (the newest such face). */
export function trackUpdatesOf(faces: readonly ClusterFace[]): TrackUpdate[] {
  const byTrack = new Map<number, ClusterFace>();
  for (const f of faces) if (f.clusterable && f.trackId !== null) byTrack.set(f.trackId, f);
  return [...byTrack.values()].map((f) => ({ cameraId: f.cameraId, trackId: f.trackId!, faceId: f.id, descriptor: f.trackDescriptor ?? f.descriptor, ts: f.ts }));
}

/** Splits id-ordered faces into chunks of about `size` without cutting a frame in two. */
export function frameChunks(faces: readonly ClusterFace[], size: number): ClusterFace[][] {
  const out: ClusterFace[][] = [];
  let cur: ClusterFace[] = [];
  const key = (f: ClusterFace) => `${f.cameraId}@${f.ts}@${f.framePos}`;
  for (const f of faces) {
    if (cur.length >= size && key(cur[cur.length - 1]!) !== key(f)) {
      out.push(cur);
      cur = [];
    }
    cur.push(f);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export class Follower {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private stopped = false;
  readonly stats: FollowerStats;

  constructor(
    private readonly opts: FollowerOptions,
    cursor: string | null,
  ) {
    this.stats = { rounds: 0, faces: 0, lastRoundAt: null, cursor };
  }

  /** Listens for notifications and starts polling; the first round runs at once. */
  async start(): Promise<void> {
    await this.opts.central.listen(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a round now (one more after the current one, if one runs). */
  wake(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.round = this.loop().finally(() => (this.busy = false));
  }

  /** Waits for the round in flight; no new one starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** Runs rounds until no wake-up came during the last one. */
  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.once();
      } catch (err) {
        this.opts.log.warn({ err: (err as Error).message }, 'could not read the new faces; trying again at the next round');
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * One round: the faces committed since the cursor go into the core (those it caught up with
   * when it opened are skipped), their tracks are compared with the watch list (all of them: a
   * face caught up at open after a takeover was never compared; alerts are idempotent), then the
   * cursor moves.
   */
  async once(): Promise<number> {
    const { central, people, log } = this.opts;
    const { ids, snapshot } = await central.newFaces(this.stats.cursor);
    let n = 0;
    for (let i = 0; i < ids.length; i += 5000) {
      const faces = await central.clusterFaces(ids.slice(i, i + 5000));
      for (const chunk of frameChunks(faces, this.opts.chunk ?? 500)) {
        const fresh = chunk.filter((f) => !people.knows(f.id));
        if (fresh.length > 0) await people.addFaces(fresh.map(toPeopleFace));
        n += fresh.length;
        for (const u of trackUpdatesOf(chunk)) await this.opts.onTrackUpdate?.(u);
      }
    }
    if (snapshot !== this.stats.cursor) await this.opts.saveCursor(snapshot);
    this.stats.cursor = snapshot;
    this.stats.rounds++;
    this.stats.faces += n;
    this.stats.lastRoundAt = Date.now();
    if (n > 0) log.debug({ faces: n }, 'new faces clustered');
    return n;
  }
}
