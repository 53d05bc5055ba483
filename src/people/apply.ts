/** A request of the CLI/daemon protocol (src/runtime/protocol.ts) applied to the people core: the one switch over request kinds. */
import type { Request, RequestKind, RequestOf, ResultOf } from '../runtime/protocol.js';
import type { PeopleCore } from './core.js';

async function apply(people: PeopleCore, request: Request): Promise<ResultOf<RequestKind>> {
  switch (request.kind) {
    case 'merge':
      return { kept: await people.merge(request.args.a, request.args.b) };
    case 'unmerge':
      return people.unmerge(request.args.kept, request.args.person, request.args.faces, request.args.links);
    case 'not':
      return { person: await people.not(request.args.face, request.args.person) };
    case 'recluster':
      return people.recluster();
    case 'forget':
      return { faceIds: await people.forget(request.args.person) };
    case 'purge':
      return people.purge(request.args.before);
    case 'label':
      return people.label(request.args.person, request.args.name);
  }
}

/** Applies one request; resolves to its result (the shape the protocol gives its kind). */
export function applyRequest<K extends RequestKind>(people: PeopleCore, request: RequestOf<K>): Promise<ResultOf<K>> {
  return apply(people, request as Request) as Promise<ResultOf<K>>;
}
