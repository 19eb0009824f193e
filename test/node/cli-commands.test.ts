import { afterEach, beforeEach, expect, it } from "vitest";
import { pipeline, type Scene, scene } from "./support/cli";

/** The command's other subcommands, end to end against the Worker under wrangler dev. */

let s: Scene;
beforeEach(async () => {
  s = await scene();
});
afterEach(() => s.dispose());

const json = async (argv: string[]) => {
  const run = await s.cli([...argv, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};

it("list, get, history, diff, rollback, archive and restore work by name, and --json prints what the API answered", async () => {
  const created = await s.client.pipelines.create(pipeline("nightly"));
  await s.client.pipelines.patch(created.id, { configuration: { env: "prod" } });
  expect((await json(["list"])).map((p: { name: string }) => p.name)).toEqual(["nightly"]);
  expect(await json(["get", "nightly"])).toMatchObject({ id: created.id, version: 2, configuration: { env: "prod" } });
  expect((await json(["history", "nightly"])).map((r: { version: number; change: string }) => `${r.version} ${r.change}`)).toEqual([
    "2 patched",
    "1 created",
  ]);
  expect(await json(["diff", "nightly", "1", "2"])).toEqual({
    from: 1,
    to: 2,
    operations: [{ op: "add", path: "/configuration/env", value: "prod" }],
  });
  expect(await json(["rollback", "nightly", "1"])).toMatchObject({ version: 3, configuration: {} });
  expect(await json(["archive", "nightly"])).toMatchObject({ version: 4, archived: true });
  expect(await json(["list"])).toEqual([]);
  expect((await json(["list", "--archived", "true"])).map((p: { id: string }) => p.id)).toEqual([created.id]);
  expect(await json(["restore", "nightly"])).toMatchObject({ version: 5, archived: false });
});

it("the people's output of list, history and diff is a table or one line per operation", async () => {
  const created = await s.client.pipelines.create(pipeline("hourly"));
  await s.client.pipelines.patch(created.id, { name: "hourly-2" });
  const listed = await s.cli(["list"]);
  expect(listed.stdout).toMatch(/^NAME\s+ID\s+VERSION\s+STAGES\s+UPDATED\nhourly-2\s+\w{26}\s+2\s+2\s+\S+\n1 pipeline\.\n$/);
  const history = await s.cli(["history", created.id]);
  expect(history.stdout.split("\n")[1]).toMatch(/^2\s+patched\s+\S+\s+admin\s+\S+$/);
  const diff = await s.cli(["diff", "hourly-2", "1", "2"]);
  expect(diff.stdout).toBe('replace /name "hourly-2"\n');
});

it("an error goes to stderr with the problem's title, detail and request id, and exits 1", async () => {
  const run = await s.cli(["get", "01JD3ZK5Q8W7V6T5S4R3P2N1M0"]);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(/^error: Not found: No pipeline has the id 01JD3ZK5Q8W7V6T5S4R3P2N1M0\. \(HTTP 404, request id \S+\)\n$/);
  const asJson = await s.cli(["get", "01JD3ZK5Q8W7V6T5S4R3P2N1M0", "--json"]);
  expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { status: 404, title: "Not found", requestId: expect.any(String) } });
});

it("a name no pipeline has, a bad version and a missing URL are errors of the command, with exit code 1", async () => {
  expect(await s.cli(["get", "nobody"])).toMatchObject({ code: 1, stderr: 'error: no pipeline is named "nobody"\n' });
  expect((await s.cli(["diff", "nobody", "one", "2"])).code).toBe(1);
  const noUrl = await s.cli(["list", "--url", ""]);
  expect(noUrl).toMatchObject({ code: 1, stderr: "error: no registry URL: give --url or set PIPELINE_REGISTRY_URL\n" });
});

it("--help prints every subcommand and exits 0", async () => {
  const run = await s.cli(["--help"]);
  expect(run.code).toBe(0);
  for (const command of ["apply", "export", "list", "get", "history", "diff", "rollback", "archive", "restore"])
    expect(run.stdout).toContain(`  ${command} `);
});
