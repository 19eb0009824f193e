import { expect } from "vitest";
import { d1Rows, onPostgres, sqlRows } from "./backend";

/**
 * What the repository cannot show but a careful operator checks: no orphan rows (stages,
 * parameters, configuration, metrics and their history of a pipeline or stage that is gone, rows of a workspace
 * that is gone) and each workspace's counter rows, kept by triggers, equal to the rows they count. This file's backend, or the D1 `d1`.
 */
export async function expectConsistentDatabase(d1?: D1Database) {
  const rows = d1 ? <T>(text: string) => d1Rows<T>(d1, text) : <T>(text: string) => sqlRows<T>(text);
  // `archived` as each backend stores it: 0/1 in D1, a boolean in PostgreSQL.
  const [ACTIVE, ARCHIVED] = onPostgres && !d1 ? ["false", "true"] : ["0", "1"];
  const orphans = await rows(
    `SELECT (SELECT count(*) FROM pipeline_stages WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS stages,
            (SELECT count(*) FROM stage_parameters WHERE stage_id NOT IN (SELECT id FROM pipeline_stages)) AS parameters,
            (SELECT count(*) FROM pipeline_configuration WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS configuration,
            (SELECT count(*) FROM processing_metrics WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS metrics,
            (SELECT count(*) FROM metrics_history WHERE pipeline_id NOT IN (SELECT id FROM pipelines)) AS "metricsHistory"`,
  );
  const strays = await rows(
    `SELECT ${["pipelines", "api_keys", "audit_events", "change_events", "change_feeds", "idempotency_keys", "archive_runs"]
      .map((table) => `(SELECT count(*) FROM ${table} WHERE workspace NOT IN (SELECT id FROM workspaces)) AS ${table}`)
      .join(", ")}`,
  );
  const counters = await rows<{ workspace: string; archived: unknown; counter: number; actual: number }>(
    `SELECT w.id AS workspace, a.archived,
            coalesce((SELECT total FROM pipeline_counts c WHERE c.workspace = w.id AND c.archived = a.archived), 0) AS counter,
            (SELECT count(*) FROM pipelines p WHERE p.workspace = w.id AND p.archived = a.archived) AS actual
     FROM workspaces w CROSS JOIN (SELECT ${ACTIVE} AS archived UNION ALL SELECT ${ARCHIVED}) a ORDER BY w.id, a.archived`,
  );
  expect(orphans, "orphan rows").toEqual([{ stages: 0, parameters: 0, configuration: 0, metrics: 0, metricsHistory: 0 }]);
  expect(strays, "rows of no workspace").toEqual([
    { pipelines: 0, api_keys: 0, audit_events: 0, change_events: 0, change_feeds: 0, idempotency_keys: 0, archive_runs: 0 },
  ]);
  for (const row of counters) {
    expect(row.counter, `pipeline_counts of ${row.workspace} for archived = ${row.archived}`).toBe(row.actual);
  }
}
