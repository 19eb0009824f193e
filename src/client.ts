/**
 * What a client imports, in one place: `import type { AppType, Pipeline } from "pipeline-registry/client"`.
 * package.json `exports` points at the declarations `npm run build:client` makes of this file.
 */
import type { Pipeline } from "./domain/pipeline";

export type { ApiKey, Scope } from "./domain/api-key";
export type { ArchiveRun } from "./domain/archive-run";
export type { Metrics, MetricsInput } from "./domain/metrics";
export type { NewPipeline, Pipeline, PipelinePatch, PipelineReplacement, Stage, StageType } from "./domain/pipeline";
export type { AppType } from "./http/app";
export type { Problem } from "./http/problem";

/** `GET /v1/workspaces/{workspace}/pipelines`. */
export interface PipelinePage {
  data: Pipeline[];
  nextCursor: string | null;
}
