/** `faceidx status [--json]`: is the daemon running, how each feed is doing, and totals. */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { openConfiguredStore } from '../runtime/store-target.js';
import { redactText, redactUrl } from '../redact.js';
import { livePid, readStatus, type DaemonStatus } from '../runtime/status-file.js';
import { busyTimeoutMs } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, printJson, printText, tableTime, type ConfigOption } from './output.js';

export interface StatusReport {
  daemon: { running: boolean; pid: number | null; state: DaemonStatus['state'] | 'stopped'; startedAt: string | null; updatedAt: string | null };
  /** Each feed as the daemon last reported it, with the faces stored from it (all of them, and below the quality gate). */
  feeds: Array<DaemonStatus['feeds'][number] & { faces: number; belowGate: number; timeSource: string | null }>;
  /** Frames through the faces stage since the daemon started (static: skipped, same empty scene). */
  frames: DaemonStatus['frames'] | null;
  /** persons: every active person; lowResolution: those seen only at low resolution (identified: false). */
  totals: { faces: number; clusterable: number; persons: number; lowResolution: number; indexSize: number | null; provider: string | null };
  /** An edge's shipping to the central store, as the daemon last reported it. */
  central?: DaemonStatus['central'];
  /** A clusterer of the shared store: leader or standby. */
  cluster?: DaemonStatus['cluster'];
}

/** Joins the daemon's status file with the database's totals (pure). */
export interface DbCounts {
  faces: number;
  clusterable: number;
  persons: number;
  /** People seen only at low resolution. */
  lowResolution?: number;
  /** Per camera id; cameras without faces may be missing. */
  byCamera?: ReadonlyMap<string, { faces: number; clusterable: number }>;
  /** Per camera id: which clock its sighting times come from (creation_time | startTime | mtime | receive). */
  timeSources?: ReadonlyMap<string, string | null>;
}

export function buildReport(pid: number | undefined, status: DaemonStatus | undefined, db: DbCounts): StatusReport {
  const running = pid !== undefined && status?.pid === pid;
  return {
    daemon: {
      running,
      pid: running ? pid : null,
      state: running ? status!.state : 'stopped',
      startedAt: isoTime(status?.startedAt),
      updatedAt: isoTime(status?.updatedAt),
    },
    feeds: (status?.feeds ?? []).map((f) => {
      const c = db.byCamera?.get(f.cameraId);
      // status.json is written redacted; redacted again here for files an older faceidx wrote.
      const shown = { ...f, url: redactUrl(f.url), ...(typeof f.lastError === 'string' ? { lastError: redactText(f.lastError) } : {}) };
      return { ...shown, faces: c?.faces ?? 0, belowGate: c ? c.faces - c.clusterable : 0, timeSource: db.timeSources?.get(f.cameraId) ?? null };
    }),
    frames: running ? status!.frames : null,
    totals: { faces: db.faces, clusterable: db.clusterable, persons: db.persons, lowResolution: db.lowResolution ?? 0, indexSize: status?.indexSize ?? null, provider: status?.provider ?? null },
    ...(running && status!.central ? { central: status!.central } : {}),
    ...(running && status!.cluster ? { cluster: status!.cluster } : {}),
  };
}

export function formatReport(r: StatusReport): string {
  const head = r.daemon.running
    ? `daemon: running (pid ${r.daemon.pid}, ${r.daemon.state}, since ${r.daemon.startedAt})`
    : `daemon: not running${r.daemon.updatedAt ? ` (last status ${r.daemon.updatedAt})` : ''}`;
  const feeds = r.feeds.length
    ? formatTable(
        ['camera', 'state', 'fps', 'frames', 'drops', 'restarts', 'faces', 'below gate', 'last frame', 'times from', 'last error'],
        r.feeds.map((f) => [
          f.cameraId, f.state, f.fps.toFixed(1), String(f.framesOut), String(f.drops), String(f.restarts), String(f.faces), String(f.belowGate),
          tableTime(f.lastFrameAt), f.timeSource ?? '-', f.lastError ?? '',
        ]),
      )
    : '(no feeds)';
  const t = r.totals;
  const frames = r.frames ? `frames: ${r.frames.processed} (${r.frames.withFaces} with faces, ${r.frames.static ?? 0} skipped as the same empty scene)\n` : '';
  const c = r.central;
  const central = c
    ? `central store ${c.where}: ${c.state === 'down' ? `unreachable since ${tableTime(c.downSince ?? undefined)} (${c.lastError ?? ''})` : c.state}, ${c.shipped} faces shipped, ${c.waiting} waiting\n`
    : '';
  const k = r.cluster;
  const cluster = k ? `clusterer of ${k.where}: ${k.role} since ${tableTime(k.since)}${k.role === 'leader' ? `, ${k.faces} faces clustered` : ''}${k.lastError ? ` (last error: ${k.lastError})` : ''}\n` : '';
  return `${head}\n\n${feeds}\n\n${central}${cluster}${frames}faces: ${t.faces} (${t.clusterable} clustered, ${t.faces - t.clusterable} below the quality gate)  persons: ${t.persons} (${t.lowResolution} seen only at low resolution)  index: ${t.indexSize ?? '?'}  provider: ${t.provider ?? '?'}\n`;
}

export function registerStatusCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('status')
      .description("Show whether the daemon runs, each feed's state, fps, drops, restarts and last error, and totals.")
      .option('--json', 'print JSON: {daemon, feeds (each with faces, belowGate and timeSource: creation_time|startTime|mtime|receive), frames, totals: {faces, clusterable, persons, lowResolution, indexSize, provider}}'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (opts: ConfigOption & { json?: boolean }) => {
      const config = loadConfig(configPath(opts), { checkStorage: false, allowMissingEnv: true });
      const dir = config.storage.dir;
      const store = await openConfiguredStore(config, { readonly: true, busyTimeoutMs: busyTimeoutMs() });
      let db: DbCounts;
      try {
        const counts = await store.faces.count();
        const timeSources = new Map((await store.cameras.list()).map((c) => [c.id, c.timeSource] as const));
        db = { ...counts, persons: await store.people.countActive(), lowResolution: await store.people.countLowResolution(), byCamera: await store.faces.countByCamera(), timeSources };
      } finally {
        await store.close();
      }
      const report = buildReport(livePid(dir), readStatus(dir), db);
      if (opts.json) printJson(report);
      else printText(formatReport(report));
      setExit(0);
    });
}
