/**
 * What each role may do on the review page (and `faceidx serve` checks on every request):
 * - read-only: look at everything (people, faces, sightings, seen with, route, cameras, watch
 *   list, alerts, feeds, audit log) and search by photo; change nothing;
 * - reviewer: also label, merge, "not this person", add to the watch list, undo;
 * - admin: also forget a person (erases faces for good) and remove watch-list entries.
 * The CLI is not limited by roles: whoever can run it on the storage folder owns the data.
 */
import type { Role } from '../store/users.js';

export type Action = 'view' | 'search' | 'label' | 'merge' | 'not' | 'watch-add' | 'undo' | 'forget' | 'watch-remove';

const LEVEL: Record<Role, number> = { 'read-only': 0, reviewer: 1, admin: 2 };
const NEEDS: Record<Action, Role> = {
  view: 'read-only',
  search: 'read-only',
  label: 'reviewer',
  merge: 'reviewer',
  not: 'reviewer',
  'watch-add': 'reviewer',
  undo: 'reviewer',
  forget: 'admin',
  'watch-remove': 'admin',
};

export function can(role: Role, action: Action): boolean {
  return LEVEL[role] >= LEVEL[NEEDS[action]];
}

/** The least role an action needs (for messages). */
export function roleFor(action: Action): Role {
  return NEEDS[action];
}
