/** `faceidx alerts [--since T] [--json]`: alerts raised by the watch list, with how each channel's delivery went. */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { redactText } from '../redact.js';
import type { AlertRow } from '../store/index.js';
import { withContext } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseIntOption, parseSince, printJson, printNote, printText, tableTime, type ConfigOption } from './output.js';

interface AlertsOptions extends ConfigOption {
  since?: string;
  json?: boolean;
  limit?: number;
}

export function alertJson(a: AlertRow) {
  return {
    id: a.id,
    name: a.entryName,
    camera: a.cameraId,
    track: a.trackId,
    face: a.faceId,
    person: a.personId,
    time: isoTime(a.ts),
    distance: Math.round(a.distance * 1e4) / 1e4,
    raised: isoTime(a.createdAt),
    deliveries: Object.fromEntries(
      a.deliveries.map((d) => [d.channel, { state: d.state, attempts: d.attempts, sent: isoTime(d.sentAt), nextAttempt: d.state === 'pending' ? isoTime(d.nextAttemptAt) : null, lastError: d.lastError === null ? null : redactText(d.lastError) }]),
    ),
  };
}

/** "sent", "pending (3 tries: ECONNREFUSED)", "failed (...)". */
function deliveryText(a: AlertRow): string {
  return a.deliveries
    .map((d) => `${d.channel} ${d.state}${d.state !== 'sent' && d.attempts > 0 ? ` (${d.attempts} tries${d.lastError ? `: ${redactText(d.lastError).slice(0, 60)}` : ''})` : ''}`)
    .join(', ');
}

export function alertsTable(alerts: readonly AlertRow[]): string {
  return formatTable(
    ['ID', 'TIME', 'NAME', 'CAMERA', 'TRACK', 'PERSON', 'DISTANCE', 'DELIVERY'],
    alerts.map((a) => [String(a.id), tableTime(a.ts), a.entryName, a.cameraId, String(a.trackId), a.personId === null ? '-' : String(a.personId), a.distance.toFixed(3), deliveryText(a)]),
    { right: [0, 4, 5, 6] },
  );
}

export function registerAlertsCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('alerts')
      .description('Alerts raised by the watch list (one per watched person and track), oldest first, with their delivery state (times in UTC).')
      .option('--since <time>', 'only alerts for sightings since an ISO time or a duration ago (30m, 2h, 7d)')
      .option('--limit <n>', 'at most n alerts', parseIntOption('--limit'))
      .option('--json', 'print JSON: [{id, name, camera, track, face, person, time, distance, raised, deliveries: {webhook|mqtt|log: {state, attempts, sent, nextAttempt, lastError}}}]'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (opts: AlertsOptions) => {
      const since = opts.since === undefined ? undefined : parseSince(opts.since);
      await withContext(configPath(opts), { readonly: true }, async ({ store }) => {
        const alerts = await store.alerts.list({ ...(since !== undefined ? { since } : {}), ...(opts.limit ? { limit: opts.limit } : {}) });
        if (opts.json) printJson(alerts.map(alertJson));
        else if (alerts.length === 0) printNote(since === undefined ? 'no alerts' : 'no alerts in that time');
        else printText(alertsTable(alerts));
      });
      setExit(ExitCode.OK);
    });
}
