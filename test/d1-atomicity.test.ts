import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { save } from "../src/domain/repository";
import { d1PipelineRepository } from "../src/storage/d1/pipeline-repository";
import { compressStage, newPipelineInput, sampleMetrics } from "./contract/fixtures";
import { resetDatabase } from "./support/backend";
import { manualClock } from "./support/clock";
import { dumpDatabase } from "./support/dump";
import { faultyD1 } from "./support/faulty-d1";

/** What is in every table, to prove a failed write left no trace. */
const dump = () => dumpDatabase();

/** A binding whose next batch gets one more statement that fails, after all the real ones. */
const faulty = faultyD1(env.DB);

beforeEach(() => resetDatabase());

// Every position of every batch, through the HTTP API: test/reliability/faults.test.ts.
describe("D1 writes are atomic", () => {
  it("a batch that fails at its last statement leaves nothing behind, for every multi-statement write", async () => {
    const clock = manualClock();
    const good = d1PipelineRepository(env.DB, "default", clock);
    const broken = d1PipelineRepository(faulty.db, "default", clock);
    const saved = await save(good, newPipelineInput("kept"));
    const before = await dump();
    const writes: [string, () => Promise<unknown>][] = [
      ["save", () => save(broken, newPipelineInput("new"))],
      ["saveMany", () => broken.saveMany([newPipelineInput("n1"), newPipelineInput("n2")])],
      ["update", () => broken.update(saved.id, newPipelineInput("renamed", { configuration: { a: "b" } }))],
      ["patch", () => broken.patch(saved.id, { name: "renamed", configuration: { env: null, x: "y" } })],
      ["delete", () => broken.delete(saved.id)],
      ["archive", () => broken.archive(saved.id)],
      ["rollback", () => broken.rollback(saved.id, 1)],
      ["putMetrics", () => broken.putMetrics(saved.id, sampleMetrics)],
    ];
    for (const [name, write] of writes) {
      faulty.plan({ kind: "after", at: "last" });
      await expect(write(), name).rejects.toThrow();
      expect(await dump(), name).toEqual(before);
    }
  });

  it("an import with a taken name in the middle writes none of it", async () => {
    const repo = d1PipelineRepository(env.DB, "default");
    await save(repo, newPipelineInput("taken"));
    const before = await dump();
    const batch = Array.from({ length: 40 }, (_, i) => newPipelineInput(i === 20 ? "taken" : `p${i}`));
    await expect(repo.saveMany(batch)).rejects.toThrow();
    expect(await dump()).toEqual(before);
  });

  it("chunks multi-row inserts under D1's 100 bound parameters", async () => {
    const repo = d1PipelineRepository(env.DB, "default");
    const parameters = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`p${i}`, "v"]));
    const stages = Array.from({ length: 32 }, (_, i) => ({
      ...compressStage,
      name: `s${i}`,
      stageType: "transform" as const,
      algorithm: "t",
      parameters,
    }));
    const many = Array.from({ length: 100 }, (_, i) => newPipelineInput(`bulk-${i}`, { stages: stages.slice(0, 3) }));
    await repo.saveMany(many);
    const huge = await save(repo, newPipelineInput("huge", { stages }));
    expect((await repo.findById(huge.id))?.stages.flatMap((s) => Object.keys(s.parameters))).toHaveLength(32 * 64);
    expect(await repo.count({ archived: "all", config: [] })).toBe(101);
  });

  it("keeps the pipeline counter equal to the rows through every kind of write", async () => {
    const repo = d1PipelineRepository(env.DB, "default");
    const a = await save(repo, newPipelineInput("a"));
    const b = await save(repo, newPipelineInput("b"));
    await repo.saveMany([newPipelineInput("c"), newPipelineInput("d")]);
    await repo.archive(a.id);
    await repo.archive(a.id);
    await repo.delete(b.id);
    await repo.restore(a.id);
    await repo.archive(a.id);
    await repo.delete(a.id);
    const counted = await env.DB.prepare("SELECT archived, count(*) AS n FROM pipelines GROUP BY archived").all<{
      archived: number;
      n: number;
    }>();
    const actual = Object.fromEntries(counted.results.map((r) => [r.archived, r.n]));
    expect(await repo.count({ archived: "false", config: [] })).toBe(actual[0] ?? 0);
    expect(await repo.count({ archived: "true", config: [] })).toBe(actual[1] ?? 0);
    expect(await repo.count({ archived: "all", config: [] })).toBe(2);
  });
});
