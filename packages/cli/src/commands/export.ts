import { join } from "node:path";
import { stringify } from "yaml";
import { pipelineContent } from "../content.js";
import { safeFileNames, writeFiles } from "../files.js";
import type { Io } from "../io.js";
import type { Target } from "../settings.js";

/** `export <folder>`: one `<name>.yaml` per active pipeline, in the format `apply` reads, so `apply --dry-run` on it plans no change. */
export async function exportFolder(folder: string, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipelines = await client.pipelines.list({ archived: "false", limit: 100 }).all();
  const names = safeFileNames(pipelines.map((pipeline) => pipeline.name));
  const files = pipelines.map((pipeline, index) => ({ name: names[index] ?? "", text: stringify(pipelineContent(pipeline)) }));
  await writeFiles(folder, files);
  const written = pipelines.map((pipeline, index) => ({ name: pipeline.name, file: join(folder, names[index] ?? "") }));
  if (json) io.stdout(`${JSON.stringify({ folder, files: written })}\n`);
  else
    io.stdout(
      `${written.map(({ file }) => file).join("\n")}${written.length ? "\n" : ""}Exported ${written.length} pipelines to ${folder}.\n`,
    );
  return 0;
}
