/**
 * The review actions, one implementation for the CLI and the review page: label, merge, "not
 * this person" (a face, or a whole face track), forget, the watch list; each applied through
 * the same people path (change.ts) and recorded in the audit log with who did it and when.
 * Undo (labels and merges) is undo.ts.
 */
import { FaceidxError } from '../errors.js';
import { forgetOffline, type IndexOutcome } from '../people/offline.js';
import type { NewWatchDescriptor } from '../store/index.js';
import { askDaemon } from './daemon-request.js';
import { changePeople, daemonPid, type ReviewContext } from './change.js';
import { setLabel } from './label.js';

export type { ReviewContext } from './change.js';

const quoted = (s: string) => JSON.stringify(s);

export function unknownPerson(id: number): FaceidxError {
  return new FaceidxError('FACEIDX_NOT_FOUND', `no person ${id}: list people with faceidx people --all`);
}

async function activeId(ctx: ReviewContext, id: number): Promise<number> {
  const p = await ctx.store.people.resolve(id);
  if (p === undefined) throw unknownPerson(id);
  return p;
}

async function audit(ctx: ReviewContext, action: string, summary: string, details: unknown): Promise<number> {
  return ctx.store.audit.record({ actor: ctx.actor, action, summary, details });
}

export interface LabelResult {
  person: number;
  label: string | null;
  previous: string | null;
  audit: number;
}

/** Names a person (an empty name clears the label); a merged id names the person it went to. */
export async function label(ctx: ReviewContext, person: number, name: string): Promise<LabelResult> {
  if (name.length > 200 || /\p{Cc}/u.test(name)) {
    throw new FaceidxError('FACEIDX_USAGE', 'a label is at most 200 characters, without control characters (new lines, tabs)', 'give a shorter one-line name');
  }
  const target = await activeId(ctx, person);
  const previous = (await ctx.store.people.label(target)) ?? null;
  const r = await setLabel(ctx, target, name);
  const summary = r.label === null ? `label of person ${r.person} cleared` : `person ${r.person} labelled ${quoted(r.label)}`;
  const id = await audit(ctx, 'label', summary, { person: r.person, label: r.label, previous });
  return { ...r, previous, audit: id };
}

/** The must-links between faces of `among`, as "a,b" keys. */
async function mustLinks(ctx: ReviewContext, among: ReadonlySet<number>): Promise<Set<string>> {
  const all = await ctx.store.constraints.list('must_link');
  return new Set(all.filter((c) => among.has(c.faceA) && among.has(c.faceB)).map((c) => `${c.faceA},${c.faceB}`));
}

export interface MergeResult {
  kept: number;
  merged: number;
  faces: number;
  audit: number;
}

/** Person B joins person A for good (see PeopleCore.merge); B's faces are recorded so the merge can be undone. */
export async function merge(ctx: ReviewContext, a: number, b: number): Promise<MergeResult> {
  const ra = await activeId(ctx, a);
  const rb = await activeId(ctx, b);
  if (ra === rb) throw new FaceidxError('FACEIDX_USAGE', `person ${a} and person ${b} are already one person (${ra})`, 'pick two different people');
  const faces = await ctx.store.people.faceIds(rb);
  const involved = new Set([...(await ctx.store.people.faceIds(ra)), ...faces]);
  const label = (await ctx.store.people.label(rb)) ?? null;
  const before = await mustLinks(ctx, involved);
  const { kept } = await changePeople(ctx, { kind: 'merge', args: { a: ra, b: rb } });
  // The links this merge added: an undo removes exactly these (undo.ts).
  const links = [...(await mustLinks(ctx, involved))].filter((k) => !before.has(k)).map((k) => k.split(',').map(Number) as [number, number]);
  const id = await audit(ctx, 'merge', `person ${rb} merged into person ${kept}`, { a: ra, b: rb, kept, faces, label, links });
  return { kept, merged: rb, faces: faces.length, audit: id };
}

export interface NotResult {
  face: number;
  person: number;
  /** The person the face belongs to now (null: none). */
  now: number | null;
  audit: number;
}

/** The face is not this person: it leaves the person for good (see PeopleCore.not). */
export async function notPerson(ctx: ReviewContext, face: number, person: number): Promise<NotResult> {
  const p = await activeId(ctx, person);
  const r = await changePeople(ctx, { kind: 'not', args: { face, person: p } });
  const id = await audit(ctx, 'not', `face ${face} is not person ${p}${r.person !== null ? ` (now person ${r.person})` : ''}`, { face, person: p, now: r.person });
  return { face, person: p, now: r.person, audit: id };
}

export interface NotTrackResult {
  track: number;
  person: number;
  /** The track's faces that were the person's. */
  faces: number;
  /** The people those faces belong to now. */
  now: number[];
  audit: number;
}

/**
 * A whole face track is not this person: "not this person" on its best face (a track's faces
 * are one person, so they leave together), then on any of its faces still left with the person.
 */
export async function notTrack(ctx: ReviewContext, track: number, person: number): Promise<NotTrackResult> {
  const p = await activeId(ctx, person);
  const faces = await ctx.store.desk.trackFacesOf(track, p);
  if (faces.length === 0) throw new FaceidxError('FACEIDX_NOT_FOUND', `track ${track} has no faces of person ${p}`, `list the person's tracks with faceidx person ${p}`);
  const best = (await ctx.store.tracks.get(track))?.bestFaceId;
  let left = faces.includes(best ?? -1) ? [best!, ...faces.filter((f) => f !== best)] : faces;
  for (let round = 0; left.length > 0 && round < faces.length; round++) {
    await changePeople(ctx, { kind: 'not', args: { face: left[0]!, person: p } });
    left = await ctx.store.desk.trackFacesOf(track, p);
  }
  const now = new Set<number>();
  for (const f of faces) {
    const q = await ctx.store.people.personOf(f);
    if (q !== undefined) now.add(q);
  }
  const id = await audit(ctx, 'not-track', `track ${track} (${faces.length} faces) is not person ${p}`, { track, person: p, faces, now: [...now] });
  return { track, person: p, faces: faces.length, now: [...now].sort((x, y) => x - y), audit: id };
}

export interface ForgetResult {
  person: number;
  label: string | null;
  faceIds: number[];
  index: IndexOutcome;
  audit: number;
}

/** Erases a person's faces, thumbnails and vectors for good (not undoable). */
export async function forget(ctx: ReviewContext, person: number): Promise<ForgetResult> {
  if (!(await ctx.store.people.exists(person))) {
    const into = await ctx.store.people.resolve(person);
    throw into === undefined
      ? unknownPerson(person)
      : new FaceidxError('FACEIDX_NOT_FOUND', `person ${person} was merged into person ${into}`, `check faceidx person ${into}, then forget ${into}`);
  }
  const label = (await ctx.store.people.label(person)) ?? null;
  // A running daemon (the clusterer, on the shared store) owns the index and the clusters: it erases and forgets in one step.
  const owner = indexOwner(ctx);
  const { faceIds, index }: { faceIds: number[]; index: IndexOutcome } =
    owner === undefined
      ? await forgetOffline(ctx.config, ctx.store, person)
      : { ...(await askDaemon(ctx.store, { kind: 'forget', args: { person } })), index: owner };
  const id = await audit(ctx, 'forget', `person ${person}${label ? ` (${label})` : ''} forgotten: ${faceIds.length} faces erased`, { person, label, faces: faceIds.length });
  return { person, label, faceIds, index, audit: id };
}

/** Who erases the vectors of forgotten faces: the shared store's clusterer, the daemon running on the folder, or nobody (the command does). */
export function indexOwner(ctx: ReviewContext): IndexOutcome | undefined {
  if (ctx.config.storage.backend === 'postgres') return { action: 'clusterer' };
  const pid = daemonPid(ctx);
  return pid === undefined ? undefined : { action: 'daemon', pid };
}

/** A watch name: 1-64 printable characters, no leading or trailing blank. */
export function checkWatchName(name: string): string {
  if (name.length === 0 || name.length > 64 || /[\p{Cc}]/u.test(name) || name.trim() !== name) {
    throw new FaceidxError('FACEIDX_USAGE', `"${name}" is not a usable watch name`, 'use 1-64 printable characters without leading or trailing spaces, e.g. "J. Doe"');
  }
  return name;
}

/** Enrols a watch-list entry from descriptors (photos run through the face pipeline, or stored faces). */
export async function watchAdd(ctx: ReviewContext, name: string, descriptors: readonly NewWatchDescriptor[]): Promise<{ entry: number; audit: number }> {
  checkWatchName(name);
  const entry = await ctx.store.watch.add(name, descriptors);
  if (entry === null) {
    throw new FaceidxError('FACEIDX_USAGE', `the watch list already has "${name}"`, `add photos under another name, or run faceidx watch remove ${JSON.stringify(name)} first`);
  }
  const sources = descriptors.map((d) => d.source);
  const id = await audit(ctx, 'watch-add', `watching ${quoted(name)} (${sources.join(', ')})`, { name, entry, sources });
  return { entry, audit: id };
}

/** Enrols a stored face (its descriptor) as a watch-list entry. */
export async function watchFromFace(ctx: ReviewContext, name: string, faceId: number): Promise<{ entry: number; audit: number }> {
  const face = await ctx.store.faces.get(faceId);
  const descriptor = await ctx.store.faces.descriptor(faceId);
  if (!face || !descriptor) throw new FaceidxError('FACEIDX_NOT_FOUND', `no face ${faceId}`, 'pick a face shown on a person page');
  return watchAdd(ctx, name, [{ descriptor, source: `face ${faceId}`, box: face.box }]);
}

/** Stops watching for a person (their alerts stay). */
export async function watchRemove(ctx: ReviewContext, name: string): Promise<{ audit: number }> {
  if (!(await ctx.store.watch.remove(name))) {
    throw new FaceidxError('FACEIDX_NOT_FOUND', `the watch list has no "${name}"`, 'see the names with faceidx watch list');
  }
  return { audit: await audit(ctx, 'watch-remove', `no longer watching ${quoted(name)}`, { name }) };
}
