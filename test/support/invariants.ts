import { env } from "cloudflare:workers";
import { expect } from "vitest";

/**
 * What the repository cannot show but a careful operator checks: no orphan rows (stages,
 * parameters, configuration, metrics of a pipeline or stage that is gone) and the counter
 * rows kept by triggers equal to the rows they count.
 */
export async function expectConsistentDatabase(db: D1Database = env.DB) {
  const [orphans, counters] = await db.batch<Record<string, number>>([
    db.prepare(
      `SELECT (SELECT count(*) FROM pipeline_stages WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS stages,
              (SELECT count(*) FROM stage_parameters WHERE stage_id NOT IN (SELECT id FROM pipeline_stages)) AS parameters,
              (SELECT count(*) FROM pipeline_configuration WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS configuration,
              (SELECT count(*) FROM processing_metrics WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS metrics`,
    ),
    db.prepare(
      `SELECT a.archived, coalesce((SELECT total FROM pipeline_counts c WHERE c.archived = a.archived), -1) AS counter,
              (SELECT count(*) FROM pipelines p WHERE p.archived = a.archived) AS actual
       FROM (SELECT 0 AS archived UNION ALL SELECT 1) a ORDER BY a.archived`,
    ),
  ]);
  expect(orphans?.results, "orphan rows").toEqual([{ stages: 0, parameters: 0, configuration: 0, metrics: 0 }]);
  for (const row of counters?.results ?? []) expect(row.counter, `pipeline_counts for archived = ${row.archived}`).toBe(row.actual);
}
