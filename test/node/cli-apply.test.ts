import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { pipeline, type Scene, scene } from "./support/cli";

/** `pipeline-registry export` and `apply` end to end, against the Worker under wrangler dev. */

let s: Scene;
beforeEach(async () => {
  s = await scene();
});
afterEach(() => s.dispose());

/** Exports the workspace to a new folder, and edits one of its files. */
async function exportAndEdit(name: string, fileName: string, from: string, to: string): Promise<string> {
  const folder = s.folder(name);
  await s.cli(["export", folder]);
  const file = join(folder, fileName);
  writeFileSync(file, readFileSync(file, "utf8").replace(from, to));
  return folder;
}

const names = async () =>
  (await s.client.pipelines.list({ archived: "all" }).all()).map((p) => `${p.name}${p.archived ? " (archived)" : ""}`).sort();

it("export writes a folder that apply --dry-run plans as unchanged, with exit code 0", async () => {
  for (const name of ["nightly", "hourly", "team/odd name"]) await s.client.pipelines.create(pipeline(name, "zstd", { env: "prod" }));
  const folder = s.folder("exported");
  const exported = await s.cli(["export", folder]);
  expect(exported.code, exported.stderr).toBe(0);
  expect(readFileSync(join(folder, "team_odd_name.yaml"), "utf8")).toContain("name: team/odd name");
  const planned = await s.cli(["apply", folder, "--dry-run", "--prune"]);
  expect(planned.stderr).toBe("");
  expect(planned.code).toBe(0);
  expect(planned.stdout).toContain("0 to create, 0 to update, 0 to archive, 3 unchanged.");
});

it("an edited file makes apply --dry-run exit 2 with that change and its difference, and changes nothing", async () => {
  const created = await s.client.pipelines.create(pipeline("nightly"));
  const folder = await exportAndEdit("edited", "nightly.yaml", "algorithm: gzip", "algorithm: zstd");
  const planned = await s.cli(["apply", folder, "--dry-run"]);
  expect(planned.code).toBe(2);
  expect(planned.stdout).toContain("~ update    nightly");
  expect(planned.stdout).toContain('~ stages[0].algorithm: "gzip" → "zstd"');
  expect(planned.stdout).toContain("0 to create, 1 to update, 0 to archive, 0 unchanged.");
  expect((await s.client.pipelines.get(created.id)).version).toBe(created.version);
  const json = await s.cli(["apply", folder, "--dry-run", "--json"]);
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout)).toMatchObject({
    dryRun: true,
    applied: 0,
    changes: [
      {
        action: "update",
        name: "nightly",
        id: created.id,
        version: 1,
        differences: [{ path: "stages[0].algorithm", before: "gzip", after: "zstd" }],
      },
    ],
  });
});

it("apply makes the registry match the folder: creates, updates keeping stage ids, and then plans nothing", async () => {
  const kept = await s.client.pipelines.create(pipeline("nightly"));
  const folder = await exportAndEdit("desired", "nightly.yaml", 'level: "3"', 'level: "9"');
  writeFileSync(
    join(folder, "fresh.json"),
    JSON.stringify({ name: "fresh", stages: [{ name: "t", stageType: "transform", algorithm: "csv-to-json" }] }),
  );
  const applied = await s.cli(["apply", folder]);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain("Applied 2 changes.");
  const nightly = await s.client.pipelines.get(kept.id);
  expect(nightly.version).toBe(2);
  expect(nightly.stages[0]?.parameters).toEqual({ level: "9" });
  expect(nightly.stages.map((stage) => stage.id)).toEqual(kept.stages.map((stage) => stage.id));
  expect(await names()).toEqual(["fresh", "nightly"]);
  const again = await s.cli(["apply", folder, "--dry-run"]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain("2 unchanged.");
});

it("a pipeline changed by someone else between plan and apply stops the run with a 412 message, and nothing else is changed", async () => {
  const target = await s.client.pipelines.create(pipeline("contested"));
  const folder = await exportAndEdit("race", "contested.yaml", "algorithm: gzip", "algorithm: lz4");
  writeFileSync(join(folder, "newcomer.yaml"), "name: newcomer\nstages:\n  - name: p\n    stageType: passthrough\n    algorithm: copy\n");
  let raced = false;
  const racing = async (request: Request) => {
    if (!raced && request.method === "PUT" && request.url.endsWith(`/pipelines/${target.id}`)) {
      raced = true;
      await s.client.pipelines.patch(target.id, { configuration: { owner: "someone-else" } });
    }
    return fetch(request);
  };
  const run = await s.cli(["apply", folder], racing);
  expect(raced).toBe(true);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`pipeline "contested" (${target.id}) was changed by someone else since the plan read its version 1`);
  expect(run.stderr).toContain("run the command again");
  expect(run.stderr).toMatch(/HTTP 412, request id \S+/);
  const now = await s.client.pipelines.get(target.id);
  expect(now).toMatchObject({ version: 2, configuration: { owner: "someone-else" } });
  expect(now.stages[0]?.algorithm).toBe("gzip");
  expect(await names()).toEqual(["contested"]);
});

it("two files with one name fail the plan before any change, naming both files", async () => {
  const folder = s.folder("twins");
  await s.cli(["export", folder]);
  writeFileSync(join(folder, "a.yaml"), "name: twin\nstages:\n  - {name: s, stageType: transform, algorithm: t}\n");
  writeFileSync(join(folder, "b.json"), JSON.stringify({ name: "twin", stages: [{ name: "s", stageType: "transform", algorithm: "u" }] }));
  writeFileSync(join(folder, "c.yaml"), "name: other\nstages:\n  - {name: s, stageType: transform, algorithm: t}\n");
  const run = await s.cli(["apply", folder]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`two files name the pipeline "twin": ${join(folder, "a.yaml")} and ${join(folder, "b.json")}`);
  expect(run.stdout).toBe("");
  expect(await names()).toEqual([]);
});

it("a file the API refuses fails the plan before any change, with the file's path and the API's errors", async () => {
  const folder = s.folder("invalid");
  await s.cli(["export", folder]);
  writeFileSync(join(folder, "good.yaml"), "name: good\nstages:\n  - {name: s, stageType: transform, algorithm: t}\n");
  writeFileSync(
    join(folder, "bad.yaml"),
    "name: bad\nstages:\n  - {name: z, stageType: compression, algorithm: zip, parameters: {level: 3}}\n",
  );
  const run = await s.cli(["apply", folder]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("the API refuses these files (nothing was changed)");
  expect(run.stderr).toContain(`${join(folder, "bad.yaml")}: `);
  expect(run.stderr).toContain("/stages/0/algorithm: ");
  expect(run.stderr).toContain("/stages/0/parameters/level: ");
  expect(run.stderr).toMatch(/request id \S+/);
  expect(run.stderr).not.toContain("good.yaml");
  expect(await names()).toEqual([]);
});

it("--prune archives exactly the active pipelines that no file names", async () => {
  const kept = await s.client.pipelines.create(pipeline("kept"));
  const dropped = await s.client.pipelines.create(pipeline("dropped"));
  const gone = await s.client.pipelines.create(pipeline("already-archived"));
  await s.client.pipelines.archive(gone.id);
  const folder = s.folder("pruned");
  await s.cli(["export", folder]);
  await s.client.pipelines.create(pipeline("late"));
  rmSync(join(folder, "dropped.yaml"));
  const planned = await s.cli(["apply", folder, "--prune", "--dry-run"]);
  expect(planned.code).toBe(2);
  expect(planned.stdout).toContain("- archive   dropped");
  expect(planned.stdout).toContain("- archive   late");
  const run = await s.cli(["apply", folder, "--prune"]);
  expect(run.code, run.stderr).toBe(0);
  expect(await names()).toEqual(["already-archived (archived)", "dropped (archived)", "kept", "late (archived)"]);
  expect((await s.client.pipelines.get(kept.id)).version).toBe(kept.version);
  expect((await s.client.pipelines.get(dropped.id)).version).toBe(dropped.version + 1);
  expect((await s.client.pipelines.get(gone.id)).version).toBe(gone.version + 1);
});
