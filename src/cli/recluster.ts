/**
 * `faceidx recluster`, `faceidx label <person> <name>`, `faceidx merge <a> <b>`,
 * `faceidx not <face> <person>`. With no daemon running they open the people core (src/people)
 * and apply the change at once. While the daemon runs it owns the index and the people, so
 * these commands hand the change to it and wait for its answer (src/review/change.ts, shared with
 * the review page); labels are plain store writes and always work. Each is recorded in the audit log.
 */
import type { Command } from 'commander';
import { ExitCode, FaceidxError } from '../errors.js';
import { label, merge, notPerson, notTrack } from '../review/actions.js';
import { changePeople } from '../review/change.js';
import { reviewOf, withContext } from './context.js';
import { addConfigOption, configPath, parsePersonId, printJson, printText, type ConfigOption } from './output.js';

interface Opts extends ConfigOption {
  json?: boolean;
}

/** Runs a review action (src/review) on the store of the config, as this system user. */
function review<T>(opts: Opts, fn: (ctx: ReturnType<typeof reviewOf>) => Promise<T>): Promise<T> {
  return withContext(configPath(opts), { readonly: false }, (ctx) => fn(reviewOf(ctx)));
}

const faceId = (v: string): number => {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new FaceidxError('FACEIDX_USAGE', `"${v}" is not a face id`, 'give the face id shown by faceidx person <id>');
  return Number(v);
};

export function registerClusterCommands(program: Command, setExit: (code: number) => void): void {
  addConfigOption(program.command('recluster').description('Full re-cluster of every clusterable face; person ids, labels and constraints survive.'))
    .option('--json', 'print {people, created, retired, seconds} as JSON')
    .action(async (opts: Opts) => {
      const r = await review(opts, (ctx) => changePeople(ctx, { kind: 'recluster', args: {} }));
      if (opts.json) printJson(r);
      else printText(`${r.people} people (${r.created} new ids, ${r.retired} retired) in ${r.seconds.toFixed(1)} s`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('label').description('Name a person (an empty name clears it). Recorded in the audit log; undo with faceidx undo <entry>.'))
    .argument('<person>', 'person id', parsePersonId)
    .argument('<name>', 'name')
    .option('--json', 'print JSON: {"person","label","previous","audit"}')
    .action(async (person: number, name: string, opts: Opts) => {
      const r = await review(opts, (ctx) => label(ctx, person, name));
      if (opts.json) printJson(r);
      else printText(r.label === null ? `person ${r.person}: label cleared (audit entry ${r.audit})` : `person ${r.person}: ${r.label} (audit entry ${r.audit})`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('merge').description('Merge person B into person A (they stay together through every re-cluster). Recorded in the audit log; undo with faceidx undo <entry>.'))
    .argument('<a>', 'person kept', parsePersonId)
    .argument('<b>', 'person merged into A', parsePersonId)
    .option('--json', 'print JSON: {"kept","merged","faces","audit"}')
    .action(async (a: number, b: number, opts: Opts) => {
      const r = await review(opts, (ctx) => merge(ctx, a, b));
      if (opts.json) printJson(r);
      else printText(`person ${r.merged} merged into ${r.kept} (audit entry ${r.audit}; faceidx undo ${r.audit} splits them again)`);
      setExit(ExitCode.OK);
    });
  addConfigOption(program.command('not').description('Say a face is not this person: it leaves the person for good (with its face track: a track is one person). With --track, <face> is a track id.'))
    .argument('<face>', 'face id (or track id with --track)', faceId)
    .argument('<person>', 'person id', parsePersonId)
    .option('--track', 'the first argument is a face track: every face of it leaves the person')
    .option('--json', 'print JSON: {"face","person","now","audit"} (with --track: {"track","person","faces","now","audit"})')
    .action(async (id: number, person: number, opts: Opts & { track?: boolean }) => {
      if (opts.track) {
        const r = await review(opts, (ctx) => notTrack(ctx, id, person));
        if (opts.json) printJson(r);
        else printText(`track ${id} (${r.faces} faces) is no longer person ${r.person} (now person ${r.now.join(', ') || 'none'})`);
      } else {
        const r = await review(opts, (ctx) => notPerson(ctx, id, person));
        if (opts.json) printJson(r);
        else printText(`face ${id} is no longer person ${r.person} (now person ${r.now})`);
      }
      setExit(ExitCode.OK);
    });
}
