import type { Pipeline } from "@pipeline-registry/client";
import { type Difference, differences, pipelineContent, sameContent, specContent } from "./content.js";
import { CliError } from "./failure.js";
import type { PipelineFile } from "./files.js";

/** One step of a plan. Updates and archives carry the version the plan read, sent as `If-Match`. */
export type Change =
  | { action: "create"; name: string; file: string; body: Record<string, unknown> }
  | { action: "update"; name: string; file: string; id: string; version: number; body: Record<string, unknown>; differences: Difference[] }
  | { action: "unchanged"; name: string; file: string; id: string; version: number }
  | { action: "archive"; name: string; id: string; version: number };

/**
 * A replacement keeps the stage ids of stages it keeps: a file's stage takes the id of the
 * stored stage of the same name, so history shows the stage changed rather than replaced.
 */
function withStageIds(spec: Record<string, unknown>, pipeline: Pipeline): Record<string, unknown> {
  if (!Array.isArray(spec.stages)) return spec;
  const ids = new Map(pipeline.stages.map((stage) => [stage.name, stage.id]));
  const stages = spec.stages.map((stage: unknown) => {
    if (stage === null || typeof stage !== "object" || "id" in stage) return stage;
    const id = ids.get(String((stage as { name?: unknown }).name));
    return id === undefined ? stage : { id, ...stage };
  });
  return { ...spec, stages };
}

/** The name a file gives, or a failure naming the file. */
function nameOf(file: PipelineFile): string {
  const name = file.spec.name;
  if (typeof name !== "string" || name === "") throw new CliError(`${file.path}: a pipeline file needs a "name" (a string)`);
  return name;
}

/**
 * The plan that makes the workspace's active pipelines match the files: each file is a create,
 * an update or unchanged, by name; with `prune`, every active pipeline no file names is archived.
 * Two files of one name fail it, before anything is sent.
 */
export function plan(files: PipelineFile[], active: Pipeline[], prune: boolean): Change[] {
  const byName = new Map<string, PipelineFile>();
  for (const file of files) {
    const name = nameOf(file);
    const other = byName.get(name);
    if (other) throw new CliError(`two files name the pipeline "${name}": ${other.path} and ${file.path}`);
    byName.set(name, file);
  }
  const stored = new Map(active.map((pipeline) => [pipeline.name, pipeline]));
  const changes: Change[] = [];
  for (const [name, file] of byName) {
    const pipeline = stored.get(name);
    if (!pipeline) {
      changes.push({ action: "create", name, file: file.path, body: file.spec });
      continue;
    }
    const before = pipelineContent(pipeline);
    const after = specContent(file.spec);
    const base = { name, file: file.path, id: pipeline.id, version: pipeline.version };
    if (sameContent(before, after)) changes.push({ action: "unchanged", ...base });
    else changes.push({ action: "update", ...base, body: withStageIds(file.spec, pipeline), differences: differences(before, after) });
  }
  if (prune) {
    for (const pipeline of active) {
      if (!byName.has(pipeline.name)) changes.push({ action: "archive", name: pipeline.name, id: pipeline.id, version: pipeline.version });
    }
  }
  return changes;
}

/** Whether carrying the plan out would change anything. */
export const pending = (changes: Change[]): boolean => changes.some((change) => change.action !== "unchanged");
