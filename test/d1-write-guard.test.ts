import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../src/domain/errors";
import { save } from "../src/domain/repository";
import { d1PipelineRepository } from "../src/storage/d1/pipeline-repository";
import { domainError } from "../src/storage/shared/refusals";
import { newPipelineInput, sampleMetrics } from "./contract/fixtures";
import { resetDatabase } from "./support/backend";
import { dumpDatabase } from "./support/dump";

const db = env.DB;
const repo = d1PipelineRepository(db, "default");

/** The message D1 gives when the guard raises `reason`. */
async function raised(reason: string | null): Promise<string | null> {
  try {
    await db.batch([db.prepare("INSERT INTO write_guard (reason) VALUES (?)").bind(reason), db.prepare("SELECT 1")]);
    return null;
  } catch (error) {
    return String((error as Error).message);
  }
}

beforeEach(() => resetDatabase());

describe("the write guard", () => {
  it("lets a batch go on when the reason is NULL", async () => {
    expect(await raised(null)).toBeNull();
  });

  it("aborts the batch with any reason it is given, even one no code knows", async () => {
    expect(await raised("not_found")).toContain("guard:not_found");
    expect(await raised("a_reason_nobody_wrote")).toContain("guard:a_reason_nobody_wrote");
  });

  it("maps each known reason to its domain error in one place, and leaves unknown ones unexpected", () => {
    const abort = (reason: string) => new Error(`D1_ERROR: guard:${reason}: SQLITE_CONSTRAINT`);
    expect(domainError(abort("not_found"), "x")).toBeInstanceOf(NotFoundError);
    expect(domainError(abort("version_mismatch"))).toBeInstanceOf(VersionMismatchError);
    expect(domainError(abort("archived"))).toBeInstanceOf(ConflictError);
    expect(domainError(abort("name_taken"))).toBeInstanceOf(ConflictError);
    expect(domainError(abort("foreign_stage"))).toBeInstanceOf(ValidationError);
    expect(domainError(abort("too_many_entries"))).toBeInstanceOf(ValidationError);
    const unknown = abort("a_reason_nobody_wrote");
    expect(domainError(unknown)).toBe(unknown);
  });

  it("stands first in every conditional write: a refused write runs none of its other statements", async () => {
    const saved = await save(repo, newPipelineInput("guarded"));
    const before = await dumpDatabase(db);
    await expect(repo.update(saved.id, newPipelineInput("x"), { expectedVersion: 9 })).rejects.toBeInstanceOf(VersionMismatchError);
    await expect(repo.patch(saved.id, { name: "y" }, { expectedVersion: 9 })).rejects.toBeInstanceOf(VersionMismatchError);
    await expect(repo.archive(saved.id, { expectedVersion: 9 })).rejects.toBeInstanceOf(VersionMismatchError);
    await expect(repo.delete(saved.id, { expectedVersion: 9 })).rejects.toBeInstanceOf(VersionMismatchError);
    expect(await dumpDatabase(db)).toEqual(before);
  });
});

describe("configuration entries carry their pipeline's list keys from the insert on", () => {
  it("on create, PUT and PATCH, with no trigger rewriting the new entries", async () => {
    const saved = await save(repo, newPipelineInput("copies", { configuration: { env: "prod" } }));
    await repo.patch(saved.id, { name: "copies-2", configuration: { team: "a" } });
    await repo.update(saved.id, { ...newPipelineInput("copies-3"), configuration: { env: "dev", team: "b" } });
    const { results } = await db
      .prepare(
        `SELECT c.key, c.pipeline_name = p.name AND c.pipeline_archived = p.archived AND c.pipeline_created_at = p.created_at
           AND c.pipeline_updated_at = p.updated_at AS same
         FROM pipeline_configuration c JOIN pipelines p ON p.id = c.pipeline_id ORDER BY c.key`,
      )
      .all<{ key: string; same: number }>();
    expect(results).toEqual([
      { key: "env", same: 1 },
      { key: "team", same: 1 },
    ]);
    const triggers = await db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pipeline_configuration'")
      .all();
    expect(triggers.results).toEqual([]);
  });
});

describe("delete", () => {
  it("leaves no row of the pipeline in any table", async () => {
    const kept = await save(repo, newPipelineInput("kept"));
    const doomed = await save(repo, newPipelineInput("doomed"));
    await repo.putMetrics(kept.id, sampleMetrics);
    await repo.putMetrics(doomed.id, sampleMetrics);
    const before = await dumpDatabase(db);
    await repo.delete(doomed.id);
    await repo.delete(kept.id);
    const after = await dumpDatabase(db);
    for (const [table, rows] of Object.entries(after.tables)) {
      // The audit log and the change feed outlive what they tell of (the delete's events included).
      if (table === "d1_migrations" || table === "audit_events" || table === "change_events") continue;
      const mentions = rows.filter((row) => row.includes(doomed.id) || row.includes(kept.id));
      expect(mentions, table).toEqual([]);
    }
    // The stage ids too (parameters refer to stages, not pipelines); the feed's events hold the pipelines as they were.
    const stageIds = [...kept.stages, ...doomed.stages].map((stage) => stage.id);
    expect(JSON.stringify({ ...after.tables, change_events: [] }).match(new RegExp(stageIds.join("|"), "g"))).toBeNull();
    expect(before.tables.stage_parameters?.length).toBeGreaterThan(0);
    const counts = await db.prepare("SELECT sum(total) AS total FROM pipeline_counts").first<{ total: number }>();
    expect(counts?.total).toBe(0);
  });
});
