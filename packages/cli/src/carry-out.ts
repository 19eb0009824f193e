import { type NewPipeline, type PipelineReplacement, type RegistryClient, RegistryError } from "@pipeline-registry/client";
import { CliError, problemLines } from "./failure.js";
import type { Change } from "./plan.js";

/**
 * No pipeline has this id (a ULID of the epoch's first millisecond) and no version is 0, so a
 * PUT to it with `If-Match: "0"` can change nothing. The API checks a body before it looks the
 * pipeline up, so the answer is the API's own verdict on the file: a 400 with its `errors`, or
 * (the file is valid) a 404 or 412.
 */
const PROBE_ID = "00000000000000000000000000";

/** Every file the plan sends, checked by the API before any change; a failure lists each refused file with the API's errors. */
export async function validate(client: RegistryClient, changes: Change[]): Promise<void> {
  const refused: string[] = [];
  for (const change of changes) {
    if (change.action !== "create" && change.action !== "update") continue;
    try {
      await client.pipelines.replace(PROBE_ID, change.body as PipelineReplacement, { ifMatch: 0 });
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      if (error.status === 404 || error.status === 412) continue;
      if (error.status !== 400) throw error;
      refused.push(`${change.file}: ${problemLines(error).join("\n")}`);
    }
  }
  if (refused.length > 0) throw new CliError("the plan was not applied: the API refuses these files (nothing was changed)", refused);
}

/** Conditional changes first: a 412 on one of them then stops the run before any unconditional create. */
const ORDER = { update: 0, archive: 1, create: 2, unchanged: 3 } as const;

/** Carries the plan out, in order; `done` hears of each change made. A 412 stops it with a message naming the pipeline. */
export async function carryOut(client: RegistryClient, changes: Change[], done: (change: Change) => void): Promise<void> {
  const steps = changes.filter((change) => change.action !== "unchanged").sort((a, b) => ORDER[a.action] - ORDER[b.action]);
  for (const change of steps) {
    try {
      if (change.action === "create") await client.pipelines.create(change.body as NewPipeline);
      else if (change.action === "update")
        await client.pipelines.replace(change.id, change.body as PipelineReplacement, { ifMatch: change.version });
      else if (change.action === "archive") await client.pipelines.archive(change.id, { ifMatch: change.version });
    } catch (error) {
      if (error instanceof RegistryError && error.status === 412 && change.action !== "create") {
        throw new CliError(
          `pipeline "${change.name}" (${change.id}) was changed by someone else since the plan read its version ${change.version}: stopped before changing it, and nothing after it was applied; run the command again to plan from its current version`,
          problemLines(error),
        );
      }
      throw error;
    }
    done(change);
  }
}
