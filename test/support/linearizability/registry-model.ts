import type { Model } from "./search";

/**
 * The pipeline API as a sequential object, for the linearizability search: per pipeline a
 * versioned document (version, name, archived, content, and the revisions a rollback reads),
 * and the names of the active pipelines, unique. The rules and the order of the checks are
 * the repository's (src/storage/memory/pipeline-repository.ts): not found, then If-Match, then
 * archived, then a pipeline's own refusals (an unkept revision), then a taken name.
 *
 * Content is what the workload writes, reduced to a digest: the configuration's `w` (each
 * write puts a fresh token there) and the stage names (a PUT or create names its one stage
 * after its token), so a read shows which write it sees, and a mix of two writes shows.
 */

/** A request as the workload sent it; `ifMatch` is the version its If-Match named, if any. */
export type RegistryInput =
  | { kind: "create"; name: string; token: string }
  | { kind: "get"; id: string }
  | { kind: "put"; id: string; name: string; token: string; ifMatch?: number }
  | { kind: "patch"; id: string; name?: string; token?: string; ifMatch?: number }
  | { kind: "archive" | "restore" | "delete"; id: string; ifMatch?: number }
  | { kind: "rollback"; id: string; to: number; ifMatch?: number };

/** A pipeline as an answer showed it. */
export interface View {
  id: string;
  version: number;
  name: string;
  archived: boolean;
  /** The configuration's `w`, a bar, and the stage names joined by commas. */
  content: string;
}

/** An answer: its status, and the pipeline for a 200 or 201. */
export type RegistryOutput = { status: number; view?: View };

/** One revision, linked to the one before it. Interned, so equal histories are one object. */
export interface Revision {
  readonly serial: number;
  readonly version: number;
  readonly name: string;
  readonly content: string;
  readonly previous: Revision | null;
}

/** A pipeline: the newest revision is its current content; `archived` is not content (a rollback keeps it). */
export interface Doc {
  readonly archived: boolean;
  readonly head: Revision;
}

/** The object the search linearizes: one name cluster's pipelines by id. */
export type RegistryState = ReadonlyMap<string, Doc>;

/** The digest of the content a create or PUT with `token` writes. */
export const writtenContent = (token: string) => `${token}|s-${token}`;

/** The same content with the configuration's `w` replaced, as a PATCH writes it. */
const patchedContent = (content: string, token: string) => `${token}|${content.slice(content.indexOf("|") + 1)}`;

export interface RegistryModelOptions {
  /** Revisions kept per pipeline (REVISIONS_KEEP): a rollback further back is a 404. */
  revisionsKeep: number;
}

export function registryModel({ revisionsKeep }: RegistryModelOptions): Model<RegistryState, RegistryInput, RegistryOutput> {
  const interned = new Map<string, Revision>();

  function revision(previous: Revision | null, name: string, content: string): Revision {
    const key = `${previous?.serial ?? -1}\n${name}\n${content}`;
    let found = interned.get(key);
    if (!found) {
      found = { serial: interned.size, version: (previous?.version ?? 0) + 1, name, content, previous };
      interned.set(key, found);
    }
    return found;
  }

  /** The kept revision `version` of a pipeline at `head`, if any. */
  function kept(head: Revision, version: number): Revision | null {
    if (version > head.version || version <= head.version - revisionsKeep) return null;
    let at: Revision | null = head;
    while (at && at.version > version) at = at.previous;
    return at;
  }

  const nameTaken = (state: RegistryState, name: string, except: string) =>
    [...state].some(([id, doc]) => id !== except && !doc.archived && doc.head.name === name);

  const viewOf = (id: string, doc: Doc): View => ({
    id,
    version: doc.head.version,
    name: doc.head.name,
    archived: doc.archived,
    content: doc.head.content,
  });

  const sameView = (a: View | undefined, b: View) =>
    a !== undefined &&
    a.id === b.id &&
    a.version === b.version &&
    a.name === b.name &&
    a.archived === b.archived &&
    a.content === b.content;

  const withDoc = (state: RegistryState, id: string, doc: Doc | null): RegistryState => {
    const next = new Map(state);
    if (doc) next.set(id, doc);
    else next.delete(id);
    return next;
  };

  /** What `input` does from `state`: the answer, and the state after it. */
  function apply(state: RegistryState, input: RegistryInput, createdId: string): { status: number; view?: View; next: RegistryState } {
    if (input.kind === "create") {
      if (nameTaken(state, input.name, "")) return { status: 409, next: state };
      const doc = { archived: false, head: revision(null, input.name, writtenContent(input.token)) };
      return { status: 201, view: viewOf(createdId, doc), next: withDoc(state, createdId, doc) };
    }
    const doc = state.get(input.id);
    if (!doc) return { status: 404, next: state };
    if (input.kind === "get") return { status: 200, view: viewOf(input.id, doc), next: state };
    if (input.ifMatch !== undefined && input.ifMatch !== doc.head.version) return { status: 412, next: state };
    const changed = (next: Doc) => ({ status: 200, view: viewOf(input.id, next), next: withDoc(state, input.id, next) });
    const { head } = doc;
    switch (input.kind) {
      case "delete":
        return { status: 204, next: withDoc(state, input.id, null) };
      case "archive":
        if (doc.archived) return { status: 200, view: viewOf(input.id, doc), next: state };
        return changed({ archived: true, head: revision(head, head.name, head.content) });
      case "restore":
        if (!doc.archived) return { status: 200, view: viewOf(input.id, doc), next: state };
        if (nameTaken(state, head.name, input.id)) return { status: 409, next: state };
        return changed({ archived: false, head: revision(head, head.name, head.content) });
    }
    if (doc.archived) return { status: 409, next: state };
    switch (input.kind) {
      case "put":
        if (nameTaken(state, input.name, input.id)) return { status: 409, next: state };
        return changed({ archived: false, head: revision(head, input.name, writtenContent(input.token)) });
      case "patch": {
        const name = input.name ?? head.name;
        if (nameTaken(state, name, input.id)) return { status: 409, next: state };
        const content = input.token === undefined ? head.content : patchedContent(head.content, input.token);
        return changed({ archived: false, head: revision(head, name, content) });
      }
      case "rollback": {
        const target = kept(head, input.to);
        if (!target) return { status: 404, next: state };
        if (nameTaken(state, target.name, input.id)) return { status: 409, next: state };
        return changed({ archived: false, head: revision(head, target.name, target.content) });
      }
    }
  }

  return {
    initial: new Map(),

    step(state, input, output) {
      if (output === null) {
        // Unknown: the operation took effect (its answer unseen), or it never happened. An
        // unseen create made a pipeline nobody can name but which holds its name.
        const phantom = input.kind === "create" ? `?${input.token}` : "";
        return [apply(state, input, phantom).next, state];
      }
      if (input.kind === "create" && output.status === 201) {
        // The id is the server's choice: any id not in use.
        const id = output.view?.id;
        if (id === undefined || state.has(id)) return [];
      }
      const result = apply(state, input, output.view?.id ?? "");
      if (result.status !== output.status) return [];
      if (result.view && !sameView(output.view, result.view)) return [];
      return [result.next];
    },

    key(state) {
      return [...state]
        .map(([id, doc]) => `${id}${doc.archived ? "!" : ":"}${doc.head.serial}`)
        .sort()
        .join(" ");
    },
  };
}

/** A state as a report shows it: each pipeline's version, name, archived flag and content. */
export function describeState(state: RegistryState): string {
  if (state.size === 0) return "no pipelines";
  return [...state]
    .map(([id, { archived, head }]) => `${id} v${head.version} ${JSON.stringify(head.name)}${archived ? " archived" : ""} ${head.content}`)
    .join("; ");
}
