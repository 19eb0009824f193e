import { expect } from "vitest";
import { d1Rows, onPostgres, sqlRows } from "./backend";

/**
 * What the repository cannot show but a careful operator checks: no orphan rows (stages,
 * parameters, configuration, metrics of a pipeline or stage that is gone) and the counter
 * rows kept by triggers equal to the rows they count. This file's backend, or the D1 `d1`.
 */
export async function expectConsistentDatabase(d1?: D1Database) {
  const rows = d1 ? <T>(text: string) => d1Rows<T>(d1, text) : <T>(text: string) => sqlRows<T>(text);
  // `archived` as each backend stores it: 0/1 in D1, a boolean in PostgreSQL.
  const [ACTIVE, ARCHIVED] = onPostgres && !d1 ? ["false", "true"] : ["0", "1"];
  const orphans = await rows(
    `SELECT (SELECT count(*) FROM pipeline_stages WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS stages,
            (SELECT count(*) FROM stage_parameters WHERE stage_id NOT IN (SELECT id FROM pipeline_stages)) AS parameters,
            (SELECT count(*) FROM pipeline_configuration WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS configuration,
            (SELECT count(*) FROM processing_metrics WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS metrics`,
  );
  const counters = await rows<{ archived: unknown; counter: number; actual: number }>(
    `SELECT a.archived, coalesce((SELECT total FROM pipeline_counts c WHERE c.archived = a.archived), -1) AS counter,
            (SELECT count(*) FROM pipelines p WHERE p.archived = a.archived) AS actual
     FROM (SELECT ${ACTIVE} AS archived UNION ALL SELECT ${ARCHIVED}) a ORDER BY a.archived`,
  );
  expect(orphans, "orphan rows").toEqual([{ stages: 0, parameters: 0, configuration: 0, metrics: 0 }]);
  for (const row of counters) expect(row.counter, `pipeline_counts for archived = ${row.archived}`).toBe(row.actual);
}
