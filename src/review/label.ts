/**
 * Setting a label, for the review actions and their undo: a plain store write on SQLite (it works
 * with or without a running daemon); on the shared PostgreSQL store a request the clusterer applies,
 * like every other change there.
 */
import { labelPerson } from '../people/index.js';
import { askDaemon } from './daemon-request.js';
import type { ReviewContext } from './change.js';

export function setLabel(ctx: ReviewContext, person: number, name: string): Promise<{ person: number; label: string | null }> {
  if (ctx.config.storage.backend === 'postgres') return askDaemon(ctx.store, { kind: 'label', args: { person, name } });
  return labelPerson(ctx.store, person, name);
}
