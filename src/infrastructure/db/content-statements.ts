import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Pipeline, Stage } from "../../domain/pipeline";
import { mapEntries, selectRows } from "./json-rows";
import { pipelineConfiguration, pipelineStages, pipelines, stageParameters } from "./schema";
import { ms } from "./time";

/**
 * The statements that write a pipeline's content (name, configuration, stages with their
 * parameters): all of it for new pipelines, or in place of the current content for a PUT and a
 * rollback, which share one path and differ only in where the content comes from.
 */

type Db = DrizzleD1Database<Record<string, unknown>>;
type Statement = BatchItem<"sqlite">;

const pipelineMembers = Object.keys(getTableColumns(pipelines));
const stageMembers = Object.keys(getTableColumns(pipelineStages));

const pipelineRow = (pipeline: Pipeline) => ({
  id: pipeline.id,
  name: pipeline.name,
  archived: pipeline.archived,
  version: pipeline.version,
  createdAt: ms(pipeline.createdAt),
  updatedAt: ms(pipeline.updatedAt),
});

const stageRows = (pipeline: Pipeline) =>
  pipeline.stages.map((stage) => ({
    id: stage.id,
    pipelineId: pipeline.id,
    position: stage.order,
    name: stage.name,
    stageType: stage.stageType,
    algorithm: stage.algorithm,
    enabled: stage.enabled,
    parallelProcessing: stage.parallelProcessing,
    chunkSize: stage.chunkSize,
    createdAt: ms(stage.createdAt),
    updatedAt: ms(stage.updatedAt),
  }));

/**
 * Configuration entries of `owners` (`null` values skipped: a merge patch's removals), written
 * with the copies of their pipeline's list keys read from the pipeline row itself; later
 * changes of the pipeline reach the copies through its triggers, so the order of the
 * statements in a batch does not matter.
 */
export function insertConfiguration(
  db: Db,
  owners: { id: string; configuration: Record<string, string | null> }[],
  condition: SQL = sql`1`,
) {
  const { from, owner } = mapEntries(owners, "id", "configuration");
  return db.insert(pipelineConfiguration).select(
    sql`SELECT p.id, e.key, e.value, p.archived, p.name, p.created_at, p.updated_at
        FROM ${from} JOIN pipelines p ON p.id = ${owner} WHERE e.type <> 'null' AND ${condition}`,
  );
}

/** Every row of new pipelines, in four statements whatever their number; with `condition`, only where it holds. */
export function insertPipelines(db: Db, items: Pipeline[], condition?: SQL): Statement[] {
  const stages: Stage[] = items.flatMap((pipeline) => pipeline.stages);
  const parameters = mapEntries(
    stages.map((stage) => ({ id: stage.id, parameters: stage.parameters })),
    "id",
    "parameters",
  );
  return [
    db.insert(pipelines).select(selectRows(pipelineMembers, items.map(pipelineRow), condition)),
    db.insert(pipelineStages).select(selectRows(stageMembers, items.flatMap(stageRows), condition)),
    db.insert(stageParameters).select(sql`SELECT ${parameters.owner}, e.key, e.value FROM ${parameters.from} WHERE ${condition ?? sql`1`}`),
    insertConfiguration(db, items, condition),
  ];
}

/** RFC 3339 text to epoch milliseconds, in SQL (julianday keeps milliseconds exactly enough to round back). */
const msOf = (text: SQL) => sql`CAST(round((julianday(${text}) - 2440587.5) * 86400000) AS INTEGER)`;

/** Columns a replaced stage takes from the new content; `created_at` stays, so a kept stage keeps it. */
const REPLACED_STAGE_COLUMNS = Object.fromEntries(
  Object.entries(getTableColumns(pipelineStages))
    .filter(([member]) => !["id", "pipelineId", "createdAt"].includes(member))
    .map(([member, column]) => [member, sql.raw(`excluded.${column.name}`)]),
);

/**
 * Replaces pipeline `id`'s name, configuration and stages with `content`: JSON of the API's
 * pipeline shape (its `name`, `configuration` and `stages`, each stage with its id, flags,
 * parameters, chunk size and `createdAt`), as SQL: a bound parameter (PUT) or a revision's
 * `pipeline` column (rollback). Stages whose id is in the content are kept (with their
 * `createdAt`), the others removed; every stage gets `updatedAt` = `now`. The version goes up
 * by one.
 */
export function replaceContent(db: Db, id: string, content: SQL, now: number): Statement[] {
  const stages = sql`json_each(${content}, '$.stages') s`;
  return [
    db
      .update(pipelines)
      .set({ name: sql`(${content}) ->> '$.name'`, version: sql`${pipelines.version} + 1`, updatedAt: now })
      .where(sql`${pipelines.id} = ${id}`),
    db
      .delete(pipelineStages)
      .where(sql`${pipelineStages.pipelineId} = ${id} AND ${pipelineStages.id} NOT IN (SELECT s.value ->> '$.id' FROM ${stages})`),
    db.delete(stageParameters).where(sql`${stageParameters.stageId} IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ${id})`),
    db
      .insert(pipelineStages)
      .select(
        sql`SELECT s.value ->> '$.id', ${id}, s.value ->> '$.order', s.value ->> '$.name', s.value ->> '$.stageType',
          s.value ->> '$.algorithm', s.value ->> '$.enabled', s.value ->> '$.parallelProcessing', s.value ->> '$.chunkSize',
          ${msOf(sql`s.value ->> '$.createdAt'`)}, ${now} FROM ${stages} WHERE 1`,
      )
      .onConflictDoUpdate({ target: pipelineStages.id, set: REPLACED_STAGE_COLUMNS }),
    db
      .insert(stageParameters)
      .select(sql`SELECT s.value ->> '$.id', e.key, e.value FROM ${stages} JOIN json_each(s.value, '$.parameters') e WHERE 1`),
    db.delete(pipelineConfiguration).where(sql`${pipelineConfiguration.pipelineId} = ${id}`),
    db.insert(pipelineConfiguration).select(
      sql`SELECT p.id, e.key, e.value, p.archived, p.name, p.created_at, p.updated_at
          FROM pipelines p JOIN json_each(${content}, '$.configuration') e WHERE p.id = ${id}`,
    ),
  ];
}
