import * as v from "valibot";
import { NewWorkspaceSchema, WORKSPACE_ID_PATTERN } from "../../domain/workspace";
import { named } from "../openapi/named";
import { EXAMPLE, TimestampSchema } from "../shared/schemas";

/** The bodies of /v1/workspaces, named for the document with their examples. */

export const NewWorkspaceBody = named("NewWorkspace", NewWorkspaceSchema, { id: "data-platform", displayName: "Data platform" });

const workspace = { id: "data-platform", displayName: "Data platform", createdAt: EXAMPLE.at } as const;
const shown = { id: v.pipe(v.string(), v.regex(WORKSPACE_ID_PATTERN)), displayName: v.string(), createdAt: TimestampSchema };

export const WorkspaceSchema = named("Workspace", v.object(shown), workspace);

export const WorkspaceWithCountSchema = named(
  "WorkspaceWithCount",
  v.object({ ...shown, pipelineCount: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Archived ones included")) }),
  { ...workspace, pipelineCount: 12 },
);

export const WorkspacePageSchema = named(
  "WorkspacePage",
  v.object({ data: v.array(WorkspaceSchema), nextCursor: v.nullable(v.string()) }),
  { data: [workspace], nextCursor: null },
);
