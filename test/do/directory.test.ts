import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { save } from "../../src/domain/repository";
import { runArchiveInEveryWorkspace } from "../../src/jobs/archive-everywhere";
import { objectDatabase } from "../../src/storage/durable-objects/object-database";
import type { WorkspaceObjects } from "../../src/storage/durable-objects/objects";
import { objectStorage } from "../../src/storage/durable-objects/storage";
import { objectWorkspaces } from "../../src/storage/durable-objects/workspaces";
import { newPipelineInput } from "../contract/fixtures";
import { d1Rows, resetDatabase, testObjects, testRepository } from "../support/backend";
import { call, pipelineBody } from "../support/http";

/**
 * The directory of workspaces on Durable Objects (src/storage/durable-objects/workspaces.ts): the
 * D1 database lists them, each object holds one. Whatever step fails, no object is live that the
 * directory does not list, and what a failure leaves is cleared by DELETE or the archive job.
 */

const settings = { revisionsKeep: 100 };
const directoryRow = async (id: string) =>
  d1Rows<{ deleted: number }>(env.DB, "SELECT deleted_at IS NOT NULL AS deleted FROM workspaces WHERE id = ?", id);
const listed = async () => (await call("GET", "/v1/workspaces?limit=100")).body.data.map((workspace: { id: string }) => workspace.id);

/** The real objects, but `failing` of their calls throw (as a lost connection would). */
function failingObjects(failing: { database?: boolean; destroy?: boolean }): WorkspaceObjects {
  const real = testObjects();
  const lost = () => Promise.reject(new Error("network connection lost"));
  return {
    database: (workspace) => (failing.database ? objectDatabase(lost) : real.database(workspace)),
    destroy: (workspace) => (failing.destroy ? lost() : real.destroy(workspace)),
  };
}

describe("the directory of workspaces on Durable Objects", () => {
  beforeEach(() => resetDatabase());

  it("lists a workspace whose object was not made, answers 404 on its paths, and DELETE clears it", async () => {
    const workspaces = objectWorkspaces(env.DB, failingObjects({ database: true }));
    await expect(workspaces.create({ id: "half-made" }, new Date())).rejects.toThrow("network connection lost");
    expect(await listed()).toContain("half-made");
    expect((await call("GET", "/v1/workspaces/half-made")).status).toBe(404);
    expect((await call("DELETE", "/v1/workspaces/half-made")).status).toBe(204);
    expect(await listed()).not.toContain("half-made");
    expect((await call("POST", "/v1/workspaces", { body: { id: "half-made" } })).status).toBe(201);
  });

  it("marks a deletion in the directory before the object goes, so one that fails there is finished by the archive job", async () => {
    expect((await call("POST", "/v1/workspaces", { body: { id: "half-gone" } })).status).toBe(201);
    expect((await call("POST", "/v1/workspaces/half-gone/pipelines", { body: pipelineBody("kept-for-now") })).status).toBe(201);
    const workspaces = objectWorkspaces(env.DB, failingObjects({ destroy: true }));
    await expect(workspaces.deleteStep("half-gone", new Date())).rejects.toThrow("network connection lost");
    expect(await directoryRow("half-gone")).toEqual([{ deleted: 1 }]);
    expect(await listed()).not.toContain("half-gone");
    expect(await workspaces.unfinishedDeletions(10)).toEqual(["half-gone"]);
    // Taken until the deletion is finished, as on D1.
    expect((await call("POST", "/v1/workspaces", { body: { id: "half-gone" } })).status).toBe(409);

    await runArchiveInEveryWorkspace(objectStorage(testObjects(), env.DB, settings), {}, () => new Date());
    expect(await directoryRow("half-gone")).toEqual([]);
    expect((await call("GET", "/v1/workspaces/half-gone/pipelines")).status).toBe(404);
    expect((await call("POST", "/v1/workspaces", { body: { id: "half-gone" } })).status).toBe(201);
    expect((await call("GET", "/v1/workspaces/half-gone/pipelines")).body.data).toEqual([]);
  });

  it("lets the archive job reach every object: each workspace with stale pipelines gets its run, the others none", async () => {
    const longAgo = () => new Date(Date.now() - 400 * 86_400_000);
    const ids = ["stale-a", "fresh-b", "stale-c"];
    for (const id of ids) expect((await call("POST", "/v1/workspaces", { body: { id } })).status).toBe(201);
    for (const id of ids)
      await save(testRepository(id.startsWith("stale") ? longAgo : undefined, settings, id), newPipelineInput(`in-${id}`));
    const failed = await runArchiveInEveryWorkspace(objectStorage(testObjects(), env.DB, settings), {}, () => new Date());
    expect(failed).toEqual([]);
    const runs = Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, (await call("GET", `/v1/workspaces/${id}/archive-runs`)).body.data.length])),
    );
    expect(runs).toEqual({ "stale-a": 1, "fresh-b": 0, "stale-c": 1 });
  });
});
