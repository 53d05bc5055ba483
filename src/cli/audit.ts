/** `faceidx audit` (who changed what, when) and `faceidx undo <entry>` (labels and merges). */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { undo, UNDOABLE } from '../review/undo.js';
import type { AuditEntry } from '../store/index.js';
import { reviewOf, withContext } from './context.js';
import { addConfigOption, configPath, exitCodesHelp, formatTable, isoTime, parseIntOption, printJson, printNote, printText, tableTime, type ConfigOption } from './output.js';

export function auditJson(e: AuditEntry) {
  return { id: e.id, at: isoTime(e.at), actor: e.actor, action: e.action, summary: e.summary, undoneBy: e.undoneBy, details: e.details };
}

export function registerAuditCommands(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command('audit')
      .description('The review actions (label, merge, not, forget, watch list, undo) from the CLI and the review page: who, when, what; newest first.')
      .option('--limit <n>', 'at most n entries', parseIntOption('--limit'), 50)
      .option('--json', 'print JSON: [{id, at, actor, action, summary, undoneBy, details}]'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (opts: ConfigOption & { limit: number; json?: boolean }) => {
      await withContext(configPath(opts), { readonly: true }, async ({ store }) => {
        const entries = await store.audit.list({ limit: opts.limit });
        if (opts.json) printJson(entries.map(auditJson));
        else if (entries.length === 0) printNote('no review actions recorded yet');
        else {
          printText(formatTable(['ID', 'TIME', 'WHO', 'ACTION', 'WHAT', 'UNDONE'], entries.map((e) => [String(e.id), tableTime(e.at), e.actor, e.action, e.summary, e.undoneBy === null ? '' : `by ${e.undoneBy}`]), { right: [0] }));
        }
      });
      setExit(ExitCode.OK);
    });
  addConfigOption(
    program
      .command('undo')
      .description(`Undo a review action of the audit log (${UNDOABLE.join(' or ')}): a label gets its previous value; a merged person is split off again with the faces it had.`)
      .argument('<entry>', 'audit entry id (faceidx audit)', parseIntOption('<entry>'))
      .option('--json', 'print JSON: {undone, audit, summary}'),
  )
    .addHelpText('after', exitCodesHelp([3, 75, 78]))
    .action(async (entry: number, opts: ConfigOption & { json?: boolean }) => {
      const r = await withContext(configPath(opts), { readonly: false }, (ctx) => undo(reviewOf(ctx), entry));
      if (opts.json) printJson(r);
      else printText(`${r.summary} (audit entry ${r.audit})`);
      setExit(ExitCode.OK);
    });
}
