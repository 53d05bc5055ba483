/**
 * Naming a person: a plain store write (no clusters involved), so it works with or without a
 * running daemon. A merged id names the person it was merged into.
 */
import { FaceidxError } from '../errors.js';
import type { Store } from '../store/index.js';

/** Sets (or, with an empty name, clears) a person's label; returns the person named and the label. */
export async function labelPerson(store: Store, person: number, name: string): Promise<{ person: number; label: string | null }> {
  const p = await store.people.resolve(person);
  if (p === undefined) throw new FaceidxError('FACEIDX_NOT_FOUND', `no person ${person}`, 'list people with faceidx people --all');
  const label = name.trim();
  if (label === '') await store.people.clearLabel(p);
  else await store.people.setLabel(p, label);
  return { person: p, label: label === '' ? null : label };
}
