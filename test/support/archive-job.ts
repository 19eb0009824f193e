import { env } from "cloudflare:workers";
import { afterEach, beforeEach, vi } from "vitest";
import type { ArchiveRun } from "../../src/domain/archive-run";
import type { Pipeline } from "../../src/domain/pipeline";
import type { PipelineRepository } from "../../src/domain/repository";
import { save } from "../../src/domain/repository";
import { type ArchiveJobOptions, runArchiveJob } from "../../src/jobs/archive-job";
import type { ArchiveEnv } from "../../src/settings";
import { d1ArchiveRuns } from "../../src/storage/d1/archive-runs";
import { d1PipelineRepository } from "../../src/storage/d1/pipeline-repository";
import { newPipelineInput } from "../contract/fixtures";
import { resetDatabase } from "./backend";
import { type ManualClock, manualClock } from "./clock";

/** The archive job's tests (test/archive-job*.test.ts): a D1 with pipelines updated when asked, and runs at a fixed time. */

export const listArchiveRuns = (db: D1Database, limit?: number) => d1ArchiveRuns(db, "default").list(limit ?? 20);

export const DAY = 86_400_000;
/** The time of most runs below; with the default 90 days its cutoff is CUTOFF. */
export const NOW = Date.parse("2026-06-01T03:00:00.000Z");
export const CUTOFF = NOW - 90 * DAY;
export const at = (epochMs: number) => new Date(epochMs).toISOString();

export const settings: ArchiveEnv = { ARCHIVE_AFTER_DAYS: "90", ARCHIVE_BATCH_SIZE: "500" };

/** The test's repository, clock and console spies, made anew before each test. */
export interface ArchiveFixture {
  repo: PipelineRepository;
  clock: ManualClock;
  log: ReturnType<typeof vi.spyOn>;
  errorLog: ReturnType<typeof vi.spyOn>;
}
const fx = {} as ArchiveFixture;

/** Registers the fixture's hooks in the calling test file and returns it. */
export function useArchiveFixture(): ArchiveFixture {
  beforeEach(async () => {
    await resetDatabase();
    fx.clock = manualClock();
    fx.repo = d1PipelineRepository(env.DB, "default", fx.clock);
    fx.log = vi.spyOn(console, "log").mockImplementation(() => {});
    fx.errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return fx;
}

/** A pipeline last updated at `updatedAt` (the repository stamps its clock's time). */
export async function seed(name: string, updatedAt: number): Promise<Pipeline> {
  fx.clock.set(at(updatedAt));
  return save(fx.repo, newPipelineInput(name));
}

export function run(
  now = NOW,
  options: ArchiveJobOptions = { trigger: "manual" },
  overrides: { env?: ArchiveEnv; db?: D1Database } = {},
): Promise<ArchiveRun> {
  return runArchiveJob(
    { runs: d1ArchiveRuns(overrides.db ?? env.DB, "default"), env: overrides.env ?? settings, clock: () => new Date(now) },
    options,
  );
}

/** Every pipeline as stored, archived or not, for "nothing changed" checks. */
export async function allPipelines() {
  const page = await fx.repo.list({ archived: "all", config: [], sort: { field: "name", descending: false }, limit: 100 });
  return page.items;
}

export async function archivedNames() {
  return (await allPipelines())
    .filter((p) => p.archived)
    .map((p) => p.name)
    .sort();
}

/**
 * The D1 binding with its first batch() (the run's own) replaced; later ones (the failed run's
 * record with its audit event) and everything else go to the real database.
 */
export function withBatch(batch: (statements: D1PreparedStatement[]) => Promise<D1Result[]>): D1Database {
  let replaced = false;
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch" && !replaced) {
        return (statements: D1PreparedStatement[]) => {
          replaced = true;
          return batch(statements);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
