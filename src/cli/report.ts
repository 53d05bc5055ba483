/** `faceidx report --out <dir>`: a static HTML report of everything stored, or of a time range or camera (read-only). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, isFaceidxError } from '../errors.js';
import { writeReport } from '../report/write.js';
import { withContext } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, parseSince, printNote, usage, type ConfigOption } from './output.js';

export interface ReportOptions extends ConfigOption {
  out: string;
  since?: string;
  until?: string;
  camera?: string;
  force?: boolean;
}

/** --since/--until: an ISO time or a duration ago. */
export function parseTimeOption(name: string, value: string, now = Date.now()): number {
  try {
    return parseSince(value, now);
  } catch (err) {
    if (isFaceidxError(err)) throw usage(`${name} "${value}" is neither a time nor a duration`, 'use an ISO time like 2024-05-01T08:00:00Z or a duration ago like 30m, 2h, 7d');
    throw err;
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export function registerReportCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('report')
    .description(
      'Write a static HTML report into a folder: an overview (cameras and the footage time each covers), a sortable people page, ' +
        'a page per person (best faces, who was seen with them, their route across cameras, timeline per camera, every sighting with its position in the footage, nearest other people ' +
        'with the exact merge/not commands) and a page per camera. Self-contained: opens from a USB stick, no network. Times are UTC.',
    )
    .requiredOption('-o, --out <dir>', 'report folder (created; the files an earlier report wrote there are replaced, unless changed since; nothing else is removed)')
    .option('--since <time>', 'only sightings at or after an ISO time or a duration ago (30m, 2h, 7d)')
    .option('--until <time>', 'only sightings at or before an ISO time or a duration ago')
    .option('--camera <id>', 'only sightings on this camera')
    .option('--force', 'write into a folder that exists and is not a faceidx report (nothing in it is removed or overwritten)');
  addConfigOption(cmd).addHelpText('after', exitCodesHelp([3, 75, 78]));
  cmd.action(async (opts: ReportOptions) => {
    const now = Date.now();
    const filter = {
      ...(opts.since !== undefined ? { since: parseTimeOption('--since', opts.since, now) } : {}),
      ...(opts.until !== undefined ? { until: parseTimeOption('--until', opts.until, now) } : {}),
      ...(opts.camera !== undefined ? { camera: opts.camera } : {}),
    };
    const config = resolve(configPath(opts));
    const r = await withContext(config, { readonly: true }, ({ store, config: cfg }) =>
      writeReport(store, {
        out: resolve(opts.out), force: opts.force ?? false, filter, configPath: config, now,
        seenWithWindowMs: cfg.investigate.seenWithWindow, visitGapMs: cfg.investigate.visitGap,
      }),
    );
    if (r.changed?.length) printNote(`faceidx: kept ${r.changed.length} file(s) of the earlier report that changed since it wrote them: ${r.changed.join(', ')}`);
    printNote(
      `${opts.out}: ${r.people} people, ${r.pages} pages, ${r.images} images, ${mb(r.bytes)} in all; largest page ${r.largestPage.file} (${mb(r.largestPage.bytes)}). Open ${resolve(opts.out, 'index.html')}`,
    );
    setExit(ExitCode.OK);
  });
}
