import type { Pipeline } from "@pipeline-registry/client";
import { carryOut, validate } from "../carry-out.js";
import { readPipelineFiles } from "../files.js";
import { type Io, palette } from "../io.js";
import { type Change, pending, plan } from "../plan.js";
import { changeJson, renderPlan } from "../render-plan.js";
import type { Target } from "../settings.js";

export interface ApplyOptions {
  dryRun?: boolean;
  prune?: boolean;
  json?: boolean;
}

/** Exit code of a dry run with changes pending. */
export const CHANGES_PENDING = 2;

/**
 * `apply <path...>`: reads the files, plans against the workspace's active pipelines, has the
 * API check every file it would send, prints the plan, then (unless a dry run) carries it out.
 */
export async function apply(paths: string[], options: ApplyOptions, { client, url, workspace }: Target, io: Io): Promise<number> {
  const files = await readPipelineFiles(paths);
  const active: Pipeline[] = await client.pipelines.list({ archived: "false", limit: 100 }).all();
  const changes = plan(files, active, options.prune === true);
  await validate(client, changes);
  const paint = palette(io);
  if (!options.json) io.stdout(renderPlan(changes, `workspace "${workspace}" at ${url}`, paint));
  const applied: Change[] = [];
  if (!options.dryRun) {
    await carryOut(client, changes, (change) => {
      applied.push(change);
      if (!options.json) io.stdout(`${paint.green("done")}: ${change.action} ${change.name}\n`);
    });
  }
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ workspace, dryRun: options.dryRun === true, changes: changes.map(changeJson), applied: applied.length })}\n`,
    );
  } else if (!options.dryRun) io.stdout(`Applied ${applied.length} change${applied.length === 1 ? "" : "s"}.\n`);
  return options.dryRun && pending(changes) ? CHANGES_PENDING : 0;
}
