import type { Pipeline, Stage } from "../../domain/pipeline";
import { type SQL, sql } from "../shared/sql";
import { mapEntries, rowSelect } from "./json-rows";
import { ms } from "./time";

/**
 * The statements that write a pipeline's content (name, configuration, stages with their
 * parameters): all of it for new pipelines, or in place of the current content for a PUT and a
 * rollback, which share one path and differ only in where the content comes from.
 */

/** Each table's columns in order, by the member of the JSON rows that carries it. */
const PIPELINE_COLUMNS = {
  id: "id",
  workspace: "workspace",
  name: "name",
  archived: "archived",
  version: "version",
  createdAt: "created_at",
  updatedAt: "updated_at",
};
const STAGE_COLUMNS = {
  id: "id",
  pipelineId: "pipeline_id",
  position: "position",
  name: "name",
  stageType: "stage_type",
  algorithm: "algorithm",
  enabled: "enabled",
  parallelProcessing: "parallel_processing",
  chunkSize: "chunk_size",
  createdAt: "created_at",
  updatedAt: "updated_at",
};

const insertInto = (table: string, columns: Record<string, string>) =>
  sql.raw(`INSERT INTO ${table} (${Object.values(columns).join(", ")})`);
const INSERT_PIPELINES = insertInto("pipelines", PIPELINE_COLUMNS);
const INSERT_STAGES = insertInto("pipeline_stages", STAGE_COLUMNS);
const selectPipelineRows = rowSelect(Object.keys(PIPELINE_COLUMNS));
const selectStageRows = rowSelect(Object.keys(STAGE_COLUMNS));
const INSERT_PARAMETERS = sql.raw("INSERT INTO stage_parameters (stage_id, key, value)");
const INSERT_CONFIGURATION = sql.raw(
  "INSERT INTO pipeline_configuration (pipeline_id, key, value, pipeline_workspace, pipeline_archived, pipeline_name, pipeline_created_at, pipeline_updated_at)",
);

const pipelineRow = (workspace: string) => (pipeline: Pipeline) => ({
  id: pipeline.id,
  workspace,
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
 * statements in a batch does not matter. `onConflict` ends the statement (a patch's upsert).
 */
export function insertConfiguration(
  owners: { id: string; configuration: Record<string, string | null> }[],
  condition: SQL = sql`1`,
  onConflict: SQL = sql``,
): SQL {
  const { from, owner } = mapEntries(owners, "id", "configuration");
  return sql`${INSERT_CONFIGURATION} SELECT p.id, e.key, e.value, p.workspace, p.archived, p.name, p.created_at, p.updated_at
    FROM ${from} JOIN pipelines p ON p.id = ${owner} WHERE e.type <> 'null' AND ${condition} ${onConflict}`;
}

/** Every row of new pipelines of `workspace`, in four statements whatever their number; with `condition`, only where it holds. */
export function insertPipelines(workspace: string, items: Pipeline[], condition: SQL = sql`1`): SQL[] {
  const stages: Stage[] = items.flatMap((pipeline) => pipeline.stages);
  const parameters = mapEntries(
    stages.map((stage) => ({ id: stage.id, parameters: stage.parameters })),
    "id",
    "parameters",
  );
  return [
    sql`${INSERT_PIPELINES} ${selectPipelineRows(items.map(pipelineRow(workspace)), condition)}`,
    sql`${INSERT_STAGES} ${selectStageRows(items.flatMap(stageRows), condition)}`,
    sql`${INSERT_PARAMETERS} SELECT ${parameters.owner}, e.key, e.value FROM ${parameters.from} WHERE ${condition}`,
    // Only what the statement reads goes into its JSON parameter, not the whole pipelines.
    insertConfiguration(
      items.map(({ id, configuration }) => ({ id, configuration })),
      condition,
    ),
  ];
}

/** RFC 3339 text to epoch milliseconds, in SQL (julianday keeps milliseconds exactly enough to round back). */
const msOf = (text: SQL) => sql`CAST(round((julianday(${text}) - 2440587.5) * 86400000) AS INTEGER)`;

/** Columns a replaced stage takes from the new content; `created_at` stays, so a kept stage keeps it. */
const REPLACED_STAGE_COLUMNS = sql.raw(
  Object.values(STAGE_COLUMNS)
    .filter((column) => !["id", "pipeline_id", "created_at"].includes(column))
    .map((column) => `${column} = excluded.${column}`)
    .join(", "),
);

/** New content for a pipeline, as SQL: its name (text), stages and configuration (JSON of the API's shapes). */
export interface Content {
  name: SQL;
  /** Each stage with its id, flags, parameters, chunk size and `createdAt`. */
  stages: SQL;
  configuration: SQL;
}

/**
 * Replaces pipeline `id`'s name, configuration and stages with `content`: bound parameters (PUT)
 * or parts of a revision's `pipeline` column (rollback). Each statement takes only the part it
 * needs, so a PUT sends each part once per statement that reads it. Stages whose id is in the
 * content are kept (with their `createdAt`), the others removed; every stage gets `updatedAt` =
 * `now`. The version goes up by one.
 */
export function replaceContent(id: string, content: Content, now: number): SQL[] {
  const stages = sql`json_each(${content.stages}) s`;
  return [
    sql`UPDATE pipelines SET name = ${content.name}, version = version + 1, updated_at = ${now} WHERE id = ${id}`,
    sql`DELETE FROM pipeline_stages WHERE pipeline_id = ${id} AND id NOT IN (SELECT s.value ->> '$.id' FROM ${stages})`,
    sql`DELETE FROM stage_parameters WHERE stage_id IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ${id})`,
    sql`${INSERT_STAGES} SELECT s.value ->> '$.id', ${id}, s.value ->> '$.order', s.value ->> '$.name', s.value ->> '$.stageType',
          s.value ->> '$.algorithm', s.value ->> '$.enabled', s.value ->> '$.parallelProcessing', s.value ->> '$.chunkSize',
          ${msOf(sql`s.value ->> '$.createdAt'`)}, ${now} FROM ${stages} WHERE 1
        ON CONFLICT (id) DO UPDATE SET ${REPLACED_STAGE_COLUMNS}`,
    sql`${INSERT_PARAMETERS} SELECT s.value ->> '$.id', e.key, e.value FROM ${stages} JOIN json_each(s.value, '$.parameters') e WHERE 1`,
    sql`DELETE FROM pipeline_configuration WHERE pipeline_id = ${id}`,
    sql`${INSERT_CONFIGURATION} SELECT p.id, e.key, e.value, p.workspace, p.archived, p.name, p.created_at, p.updated_at
          FROM pipelines p JOIN json_each(${content.configuration}) e WHERE p.id = ${id}`,
  ];
}
