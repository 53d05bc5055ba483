/**
 * Undoing a review action from the audit log. Two kinds can be undone, as the CLI can:
 * - a label: the previous label comes back (refused when the label changed since);
 * - a merge: the merged person's id is active again with the faces it had (those its person
 *   still holds); the must-links the merge added go, and any later one joining them is cut
 *   (PeopleCore.unmerge).
 * "Not this person", forget and the watch list are not undone here: forget erased the faces,
 * and the others are undone by acting again (merge back, watch remove/add).
 * The undo is an audit entry of its own; the entry undone is marked with it. An entry is undone once.
 */
import { z } from 'zod';
import { FaceidxError } from '../errors.js';
import { setLabel } from './label.js';
import { changePeople, type ReviewContext } from './change.js';

export const UNDOABLE = ['label', 'merge'] as const;

const labelDetails = z.object({ person: z.number().int(), label: z.string().nullable(), previous: z.string().nullable() });
const mergeDetails = z.object({
  b: z.number().int(),
  kept: z.number().int(),
  faces: z.array(z.number().int()),
  links: z.array(z.tuple([z.number().int(), z.number().int()])).default([]),
});

export interface UndoResult {
  /** The audit entry undone, and the undo's own entry. */
  undone: number;
  audit: number;
  summary: string;
}

function unreadable(id: number): FaceidxError {
  return new FaceidxError('FACEIDX_USAGE', `audit entry ${id} does not hold what an undo needs`, 'undo it by hand (faceidx label / faceidx not)');
}

async function undoLabel(ctx: ReviewContext, id: number, details: unknown): Promise<string> {
  const d = labelDetails.safeParse(details);
  if (!d.success) throw unreadable(id);
  const { person, label, previous } = d.data;
  const target = await ctx.store.people.resolve(person);
  if (target === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `person ${person} is gone (forgotten)`, 'nothing to undo');
  const now = (await ctx.store.people.label(target)) ?? null;
  if (now !== label) {
    throw new FaceidxError('FACEIDX_USAGE', `the label of person ${target} changed since (now ${now === null ? 'none' : JSON.stringify(now)})`, 'set the label you want with faceidx label');
  }
  await setLabel(ctx, target, previous ?? '');
  return previous === null ? `label of person ${target} cleared again` : `person ${target} labelled ${JSON.stringify(previous)} again`;
}

async function undoMerge(ctx: ReviewContext, id: number, details: unknown): Promise<string> {
  const d = mergeDetails.safeParse(details);
  if (!d.success || d.data.faces.length === 0) throw unreadable(id);
  const { b, kept, faces, links } = d.data;
  const r = await changePeople(ctx, { kind: 'unmerge', args: { kept, person: b, faces, links } });
  return `person ${r.person} split off person ${kept} again (${r.faces} faces)`;
}

/** Undoes audit entry `id` (see above); records the undo. */
export async function undo(ctx: ReviewContext, id: number): Promise<UndoResult> {
  const entry = await ctx.store.audit.get(id);
  if (!entry) throw new FaceidxError('FACEIDX_NOT_FOUND', `no audit entry ${id}`, 'list them with faceidx audit');
  if (entry.undoneBy !== null) throw new FaceidxError('FACEIDX_USAGE', `audit entry ${id} was already undone (by entry ${entry.undoneBy})`, 'nothing to do');
  let summary: string;
  if (entry.action === 'label') summary = await undoLabel(ctx, id, entry.details);
  else if (entry.action === 'merge') summary = await undoMerge(ctx, id, entry.details);
  else {
    throw new FaceidxError('FACEIDX_USAGE', `a ${entry.action} cannot be undone (only ${UNDOABLE.join(' and ')})`, entry.action === 'forget' ? 'forgotten faces are erased for good' : 'act again instead (e.g. merge the people back)');
  }
  const audit = await ctx.store.audit.record({ actor: ctx.actor, action: 'undo', summary: `undo of ${id}: ${summary}`, details: { of: id, action: entry.action } });
  await ctx.store.audit.markUndone(id, audit);
  return { undone: id, audit, summary };
}
