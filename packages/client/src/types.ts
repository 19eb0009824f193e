import type { components, operations } from "./generated/api.js";

/**
 * The API's types, as openapi-typescript generates them from the registry's `/openapi.json`
 * (`npm run docs:assets` regenerates them), named for use.
 */
type Schemas = components["schemas"];

export type Pipeline = Schemas["Pipeline"];
export type Stage = Schemas["Stage"];
export type NewPipeline = Schemas["NewPipeline"];
export type NewStage = Schemas["NewStage"];
export type PipelineReplacement = Schemas["PipelineReplacement"];
export type ReplacementStage = Schemas["ReplacementStage"];
export type PipelinePatch = Schemas["PipelinePatch"];
export type Revision = Schemas["Revision"];
export type RevisionSummary = Schemas["RevisionSummary"];
export type Diff = Schemas["Diff"];
export type Workspace = Schemas["Workspace"];
export type WorkspaceWithCount = Schemas["WorkspaceWithCount"];
export type NewWorkspace = Schemas["NewWorkspace"];
export type Problem = Schemas["Problem"];

/** The filters and sort of `GET /pipelines` (paging is the iterator's). */
export type PipelineQuery = Omit<NonNullable<operations["listPipelines"]["parameters"]["query"]>, "cursor" | "offset">;
/** The filters of `GET /pipelines/count`. */
export type PipelineCountQuery = NonNullable<operations["countPipelines"]["parameters"]["query"]>;
