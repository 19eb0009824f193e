import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { apply } from "./commands/apply.js";
import { exportFolder } from "./commands/export.js";
import { diff, get, history, list } from "./commands/inspect.js";
import { archive, restore, rollback } from "./commands/lifecycle.js";
import { report } from "./failure.js";
import { type Io, processIo } from "./io.js";
import { type GlobalOptions, type Target, target } from "./settings.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const versionNumber = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("a version is a whole number from 1");
  return Number(value);
};

/** The program, built afresh for each run so that nothing of one run's parsing leaks into the next. */
function program(io: Io, run: (action: (target: Target, json: boolean) => Promise<number>, command: Command) => Promise<void>): Command {
  const root = new Command("pipeline-registry")
    .description("Keep a workspace of the pipeline registry in sync with a folder of pipeline files, and manage its pipelines.")
    .version(version)
    .addOption(new Option("--url <url>", "the registry's URL (PIPELINE_REGISTRY_URL)"))
    .addOption(new Option("--token <token>", "an API key or the operator token (PIPELINE_REGISTRY_TOKEN)"))
    .addOption(new Option("--workspace <id>", "the workspace to act in (PIPELINE_REGISTRY_WORKSPACE, default: default)"))
    .option("--json", "print machine-readable JSON on stdout")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .addHelpText(
      "after",
      "\nExit codes: 0 success, 1 error, 2 changes pending (apply --dry-run).\nExample: pipeline-registry apply pipelines/ --dry-run --prune",
    );
  root
    .command("apply")
    .description("plan, print and carry out the changes that make the workspace match the files (.yaml, .yml, .json, or folders of them)")
    .argument("<path...>", "pipeline files or folders")
    .option("--dry-run", "print the plan only; exit 2 when it has changes")
    .option("--prune", "archive every active pipeline that no file names")
    .action((paths: string[], options: { dryRun?: boolean; prune?: boolean }, command: Command) =>
      run((t, json) => apply(paths, { ...options, json }, t, io), command),
    );
  root
    .command("export")
    .description("write one <name>.yaml per active pipeline, in the format apply reads")
    .argument("<folder>")
    .action((folder: string, _: unknown, command: Command) => run((t, json) => exportFolder(folder, json, t, io), command));
  root
    .command("list")
    .description("the workspace's pipelines")
    .addOption(
      new Option("--archived <which>", "active (false), archived (true) or all").choices(["false", "true", "all"]).default("false"),
    )
    .action((options: { archived: "false" | "true" | "all" }, command: Command) =>
      run((t, json) => list(options.archived, json, t, io), command),
    );
  byRef("get", "one pipeline, whole", get);
  byRef("history", "a pipeline's revisions, newest first", history);
  root
    .command("diff")
    .description("what changed between two versions of a pipeline")
    .argument("<name|id>")
    .argument("<from>", "a version", versionNumber)
    .argument("<to>", "a version", versionNumber)
    .action((ref: string, from: number, to: number, _: unknown, command: Command) =>
      run((t, json) => diff(ref, from, to, json, t, io), command),
    );
  root
    .command("rollback")
    .description("make a new version with the content of an earlier one")
    .argument("<name|id>")
    .argument("<version>", "the version to go back to", versionNumber)
    .action((ref: string, to: number, _: unknown, command: Command) => run((t, json) => rollback(ref, to, json, t, io), command));
  byRef("archive", "archive a pipeline", archive);
  byRef("restore", "restore an archived pipeline", restore);
  function byRef(name: string, description: string, action: (ref: string, json: boolean, t: Target, io: Io) => Promise<number>) {
    root
      .command(name)
      .description(description)
      .argument("<name|id>")
      .action((ref: string, _: unknown, command: Command) => run((t, json) => action(ref, json, t, io), command));
  }
  for (const command of root.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return root;
}

/** Runs the command line `argv` (without `node` and the script) and gives its exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const run = async (action: (target: Target, json: boolean) => Promise<number>, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    try {
      code = await action(target(options, io), options.json === true);
    } catch (error) {
      code = report(error, io, options.json === true);
    }
  };
  try {
    await program(io, run).parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return report(error, io, false);
  }
  return code;
}
