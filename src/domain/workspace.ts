import * as v from "valibot";
import { ConflictError, NotFoundError } from "./errors";
import { jsonObject } from "./json-schemas";
import { C0_AND_DEL, trimmedTextPattern } from "./text-patterns";

/**
 * Workspaces (docs/workspaces.md): tenants that share nothing. Everything stored belongs to one,
 * and storage hands out one workspace's stores at a time, so the rest of the domain never names
 * a workspace.
 */

/** A slug: lowercase letters, digits and inner hyphens, 1 to 63 characters, starting with a letter. */
export const WORKSPACE_ID_PATTERN = /^(?:[a-z]|[a-z][a-z0-9-]{0,61}[a-z0-9])$/;

export const isWorkspaceId = (value: string) => WORKSPACE_ID_PATTERN.test(value);

/** The workspace that everything stored before workspaces existed was moved into. */
export const DEFAULT_WORKSPACE = "default";

export interface Workspace {
  id: string;
  displayName: string;
  createdAt: string;
}

export interface WorkspaceWithCount extends Workspace {
  /** Its pipelines, archived ones included (what the quota counts). */
  pipelineCount: number;
}

/** A display name: no C0 control or DEL, and no white space at either end. */
const DISPLAY_NAME_PATTERN = trimmedTextPattern(C0_AND_DEL);

export const NewWorkspaceSchema = jsonObject({
  id: v.pipe(
    v.string(),
    v.regex(WORKSPACE_ID_PATTERN, "must be lowercase letters, digits and inner hyphens, 1 to 63 characters, starting with a letter"),
  ),
  displayName: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "at least 1 character"),
      v.maxLength(100, "at most 100 characters"),
      v.regex(DISPLAY_NAME_PATTERN, "no control characters, and no leading or trailing white space"),
    ),
  ),
});

export type NewWorkspace = v.InferOutput<typeof NewWorkspaceSchema>;

/** Pipelines per workspace, archived ones included (`WORKSPACE_MAX_PIPELINES`). */
export const WORKSPACE_DEFAULTS = { maxPipelines: 100_000 } as const;

export const WORKSPACES_LIMIT = { default: 20, max: 100 } as const;

export interface WorkspaceQuery {
  limit: number;
  /** Ids strictly after this one. */
  after?: string;
}

export interface WorkspacePage {
  items: Workspace[];
  /** The last id of the page when more follow, else null. */
  next: string | null;
}

/**
 * The one answer for a workspace that does not exist, or that the caller may not know of (a
 * key of another workspace): the same text whatever the case, so it tells nothing apart.
 */
export class WorkspaceNotFoundError extends NotFoundError {}

export const workspaceNotFound = () =>
  new WorkspaceNotFoundError("No workspace has the id in this path (or this key is not one of its keys).");

export const workspaceTaken = () =>
  new ConflictError("A workspace with this id exists, or its deletion has not finished (DELETE it again to finish).");
