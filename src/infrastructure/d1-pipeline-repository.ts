import { and, asc, eq, getTableColumns, inArray, lte, notInArray, type SQL, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  nameTaken,
  pipelineArchived,
  pipelineNotFound,
  ValidationError,
  versionMismatch,
} from "../domain/errors";
import { newId } from "../domain/ids";
import type { Metrics, MetricsInput } from "../domain/metrics";
import { LIMITS, newPipeline, type Pipeline, type Stage, stagesFrom } from "../domain/pipeline";
import type { ListQuery, Page, PipelineRepository, WriteOptions } from "../domain/repository";
import { countQuery, pageQuery } from "./d1-list-queries";
import * as schema from "./db/schema";
import { iso, ms } from "./db/time";
import { writeGuard } from "./db/write-guard";

const {
  pipelines,
  pipelineStages,
  stageParameters,
  pipelineConfiguration,
  processingMetrics,
  pipelineCounts,
  idempotencyKeys,
} = schema;

type Db = DrizzleD1Database<typeof schema>;
type Statement = BatchItem<"sqlite">;

/** D1 binds at most 100 parameters per statement: multi-row inserts go in chunks. */
const MAX_BOUND_PARAMETERS = 100;

/** Rows per statement so that `perRow` parameters each, plus `reserved` others, stay within the limit. */
function chunks<T>(rows: T[], perRow: number, reserved = 0): T[][] {
  const size = Math.floor((MAX_BOUND_PARAMETERS - reserved) / perRow);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const columnCount = (table: SQLiteTable) => Object.keys(getTableColumns(table)).length;

/** A condition that multi-row inserts check (as `INSERT … SELECT … WHERE`), with its parameter count. */
interface InsertCondition {
  condition: SQL;
  parameters: number;
}

/** Chunked multi-row inserts; with `onlyIf`, the rows go in only where the condition holds. */
function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: T["$inferInsert"][], onlyIf?: InsertCondition): Statement[] {
  const columns = Object.entries(getTableColumns(table));
  if (!onlyIf) return chunks(rows, columns.length).map((chunk) => db.insert(table).values(chunk));
  return chunks(rows, columns.length, onlyIf.parameters).map((chunk) => {
    const tuples = chunk.map(
      (row) => sql`(${sql.join(columns.map(([key, column]) => sql.param((row as Record<string, unknown>)[key] ?? null, column)), sql`, `)})`,
    );
    return db.insert(table).select(sql`SELECT * FROM (VALUES ${sql.join(tuples, sql`, `)}) WHERE ${onlyIf.condition}`);
  });
}


/** A pipeline with its ordered stages, their parameters, and its configuration, in one statement. */
const WITH_CHILDREN = {
  stages: {
    // Relational queries alias their tables, so order by the column they hand in.
    orderBy: (stage: { position: SQLiteColumn }) => [asc(stage.position)],
    with: { parameters: { columns: { key: true, value: true } } },
  },
  configuration: { columns: { key: true, value: true } },
} as const;

type PipelineRow = typeof pipelines.$inferSelect & {
  stages: (typeof pipelineStages.$inferSelect & { parameters: { key: string; value: string }[] })[];
  configuration: { key: string; value: string }[];
};

const entriesToMap = (entries: { key: string; value: string }[]) =>
  Object.fromEntries(entries.map(({ key, value }) => [key, value]));

function toPipeline(row: PipelineRow): Pipeline {
  return {
    id: row.id,
    name: row.name,
    archived: row.archived,
    configuration: entriesToMap(row.configuration),
    stages: row.stages.map(
      (stage): Stage => ({
        id: stage.id,
        name: stage.name,
        stageType: stage.stageType,
        algorithm: stage.algorithm,
        enabled: stage.enabled,
        parallelProcessing: stage.parallelProcessing,
        chunkSize: stage.chunkSize,
        order: stage.position,
        parameters: entriesToMap(stage.parameters),
        createdAt: iso(stage.createdAt),
        updatedAt: iso(stage.updatedAt),
      }),
    ),
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * The guard: aborts the batch it stands in when `reason` (a CASE over the database's state,
 * evaluated right after the preceding statement) is not NULL. See migrations/0001.
 */
const guard = (db: Db, reason: SQL) => db.insert(writeGuard).select(sql`SELECT ${reason}`);

/**
 * Why a conditional write to pipeline `id` changed no row: it does not exist, its version is
 * not the expected one, or (when `archivedBlocks`) it is archived. NULL when the write happened.
 */
function pipelineWriteFailure(id: string, options: WriteOptions, archivedBlocks: boolean): SQL {
  const expected = options.expectedVersion ?? null;
  return sql`CASE
    WHEN changes() > 0 THEN NULL
    WHEN NOT EXISTS (SELECT 1 FROM pipelines WHERE id = ${id}) THEN 'not_found'
    WHEN ${expected} IS NOT NULL AND (SELECT version FROM pipelines WHERE id = ${id}) <> ${expected} THEN 'version_mismatch'
    WHEN ${archivedBlocks ? 1 : 0} = 1 AND (SELECT archived FROM pipelines WHERE id = ${id}) = 1 THEN 'archived'
  END`;
}

const versionCondition = (options: WriteOptions) =>
  options.expectedVersion === undefined ? undefined : eq(pipelines.version, options.expectedVersion);

const messageChain = (error: unknown): string => {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.join("\n");
};

/** Turns the database's refusals into the domain's errors; anything else stays unexpected. */
function domainError(error: unknown, id?: string): unknown {
  const message = messageChain(error);
  if (message.includes("guard:not_found")) return pipelineNotFound(id ?? "");
  if (message.includes("guard:version_mismatch")) return versionMismatch();
  if (message.includes("guard:archived")) return pipelineArchived();
  if (message.includes("guard:foreign_stage")) {
    return new ValidationError([{ path: "/stages", message: "a stage id must be the id of one of this pipeline's stages" }]);
  }
  if (message.includes("guard:too_many_entries")) {
    return new ValidationError([{ path: "/configuration", message: `at most ${LIMITS.mapEntries} entries` }]);
  }
  if (message.includes("UNIQUE constraint failed: pipelines.name")) return nameTaken();
  return error;
}

async function runBatch<T extends Statement[]>(db: Db, statements: [...T], id?: string) {
  try {
    return await db.batch(statements as unknown as [Statement, ...Statement[]]);
  } catch (error) {
    throw domainError(error, id);
  }
}

function stageRows(pipelineId: string, stages: Stage[]) {
  return stages.map((stage) => ({
    id: stage.id,
    pipelineId,
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
}

const parameterRows = (stages: Stage[]) =>
  stages.flatMap((stage) => Object.entries(stage.parameters).map(([key, value]) => ({ stageId: stage.id, key, value })));

const configurationRows = (pipelineId: string, configuration: Record<string, string>) =>
  Object.entries(configuration).map(([key, value]) => ({ pipelineId, key, value }));

function insertStatements(db: Db, items: Pipeline[], onlyIf?: InsertCondition): Statement[] {
  const rows = items.map((p) => ({
    id: p.id,
    name: p.name,
    archived: p.archived,
    version: p.version,
    createdAt: ms(p.createdAt),
    updatedAt: ms(p.updatedAt),
  }));
  return [
    ...insertRows(db, pipelines, rows, onlyIf),
    ...insertRows(db, pipelineStages, items.flatMap((p) => stageRows(p.id, p.stages)), onlyIf),
    ...insertRows(db, stageParameters, items.flatMap((p) => parameterRows(p.stages)), onlyIf),
    ...insertRows(db, pipelineConfiguration, items.flatMap((p) => configurationRows(p.id, p.configuration)), onlyIf),
  ];
}

function toMetrics(pipelineId: string, row: typeof processingMetrics.$inferSelect): Metrics {
  const { pipelineId: _, updatedAt, startTime, endTime, ...values } = row;
  return {
    ...values,
    startTime: startTime === null ? null : iso(startTime),
    endTime: endTime === null ? null : iso(endTime),
    pipelineId,
    updatedAt: iso(updatedAt),
  };
}

export function createD1PipelineRepository(d1: D1Database, clock: () => Date = () => new Date()): PipelineRepository {
  const db: Db = drizzle(d1, { schema });

  const selectOne = (id: string) => db.query.pipelines.findFirst({ where: eq(pipelines.id, id), with: WITH_CHILDREN });
  // The most frequent read, built once per repository: drizzle then only binds the id.
  const findOne = db.query.pipelines
    .findFirst({ where: eq(pipelines.id, sql.placeholder("id")), with: WITH_CHILDREN })
    .prepare();
  /** The last statement of a write batch returns the pipeline as stored. */
  const lastResult = (results: unknown[]) => toPipeline(results.at(-1) as PipelineRow);

  async function list(query: ListQuery): Promise<Page> {
    // Each row is one pipeline as the JSON of a relational query's row (see d1-list-queries).
    const rows = await db.all<{ pipeline: string }>(pageQuery(query));
    const items = rows.slice(0, query.limit).map((row) => toPipeline(JSON.parse(row.pipeline) as PipelineRow));
    const last = items.at(-1);
    const next = rows.length > query.limit && last ? { value: last[query.sort.field], id: last.id } : null;
    return { items, next };
  }

  return {
    async save(input) {
      const pipeline = newPipeline(input, clock().toISOString());
      await runBatch(db, insertStatements(db, [pipeline]));
      return pipeline;
    },

    async saveMany(inputs) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      await runBatch(db, insertStatements(db, items));
      return items;
    },

    async saveManyOnce(inputs, claim) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      const nonce = newId();
      const sameKey = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
      // The rows go in only if this request's nonce won the claim on the key.
      const claimWon = {
        condition: sql`(SELECT nonce FROM idempotency_keys WHERE scope = ${claim.scope} AND key = ${claim.key}) = ${nonce}`,
        parameters: 3,
      };
      const results = await runBatch(db, [
        db.delete(idempotencyKeys).where(and(sameKey, lte(idempotencyKeys.expiresAt, ms(now)))),
        db
          .insert(idempotencyKeys)
          .values({
            scope: claim.scope,
            key: claim.key,
            fingerprint: claim.fingerprint,
            nonce,
            response: claim.record(items),
            createdAt: ms(now),
            expiresAt: ms(claim.expiresAt),
          })
          .onConflictDoNothing(),
        ...insertStatements(db, items, claimWon),
        db
          .select({ fingerprint: idempotencyKeys.fingerprint, nonce: idempotencyKeys.nonce, response: idempotencyKeys.response })
          .from(idempotencyKeys)
          .where(sameKey),
      ]);
      const [claimed] = results.at(-1) as { fingerprint: string; nonce: string; response: string }[];
      if (!claimed) throw new Error("the idempotency claim vanished within its own batch");
      return claimed.nonce === nonce
        ? { kind: "created", pipelines: items }
        : { kind: "claimed-before", fingerprint: claimed.fingerprint, record: claimed.response };
    },

    async findById(id) {
      const row = await findOne.execute({ id });
      return row ? toPipeline(row) : null;
    },

    async findByName(name) {
      const row = await db.query.pipelines.findFirst({
        where: and(eq(pipelines.name, name), eq(pipelines.archived, false)),
        with: WITH_CHILDREN,
      });
      return row ? toPipeline(row) : null;
    },

    async update(id, input, options = {}) {
      const now = clock().toISOString();
      const stages = stagesFrom(input.stages, now);
      const keptIds = input.stages.flatMap((stage) => (stage.id ? [stage.id] : []));
      const rows = stageRows(id, stages);
      const results = await runBatch(
        db,
        [
          db
            .update(pipelines)
            .set({ name: input.name, version: sql`${pipelines.version} + 1`, updatedAt: ms(now) })
            .where(and(eq(pipelines.id, id), eq(pipelines.archived, false), versionCondition(options))),
          guard(db, pipelineWriteFailure(id, options, true)),
          // Every id the client gave must name one of this pipeline's stages.
          guard(
            db,
            sql`CASE WHEN (SELECT count(*) FROM ${pipelineStages} WHERE ${pipelineStages.pipelineId} = ${id} AND ${inArray(pipelineStages.id, keptIds)}) <> ${keptIds.length} THEN 'foreign_stage' END`,
          ),
          db
            .delete(pipelineStages)
            .where(and(eq(pipelineStages.pipelineId, id), notInArray(pipelineStages.id, keptIds))),
          db
            .delete(stageParameters)
            .where(
              inArray(
                stageParameters.stageId,
                db.select({ id: pipelineStages.id }).from(pipelineStages).where(eq(pipelineStages.pipelineId, id)),
              ),
            ),
          ...chunks(rows, columnCount(pipelineStages)).map((chunk) =>
            db
              .insert(pipelineStages)
              .values(chunk)
              .onConflictDoUpdate({
                target: pipelineStages.id,
                // createdAt stays: a kept stage keeps its creation time.
                set: {
                  position: sql`excluded.position`,
                  name: sql`excluded.name`,
                  stageType: sql`excluded.stage_type`,
                  algorithm: sql`excluded.algorithm`,
                  enabled: sql`excluded.enabled`,
                  parallelProcessing: sql`excluded.parallel_processing`,
                  chunkSize: sql`excluded.chunk_size`,
                  updatedAt: sql`excluded.updated_at`,
                },
              }),
          ),
          ...insertRows(db, stageParameters, parameterRows(stages)),
          db.delete(pipelineConfiguration).where(eq(pipelineConfiguration.pipelineId, id)),
          ...insertRows(db, pipelineConfiguration, configurationRows(id, input.configuration)),
          selectOne(id),
        ],
        id,
      );
      return lastResult(results);
    },

    async patch(id, input, options = {}) {
      const now = clock().toISOString();
      const changes = Object.entries(input.configuration ?? {});
      const removed = changes.flatMap(([key, value]) => (value === null ? [key] : []));
      const set = changes.flatMap(([key, value]) => (value === null ? [] : [{ pipelineId: id, key, value }]));
      const configurationStatements: Statement[] =
        input.configuration === null
          ? [db.delete(pipelineConfiguration).where(eq(pipelineConfiguration.pipelineId, id))]
          : [
              ...(removed.length > 0
                ? [
                    db
                      .delete(pipelineConfiguration)
                      .where(and(eq(pipelineConfiguration.pipelineId, id), inArray(pipelineConfiguration.key, removed))),
                  ]
                : []),
              ...chunks(set, columnCount(pipelineConfiguration)).map((chunk) =>
                db
                  .insert(pipelineConfiguration)
                  .values(chunk)
                  .onConflictDoUpdate({
                    target: [pipelineConfiguration.pipelineId, pipelineConfiguration.key],
                    set: { value: sql`excluded.value` },
                  }),
              ),
              guard(
                db,
                sql`CASE WHEN (SELECT count(*) FROM ${pipelineConfiguration} WHERE ${pipelineConfiguration.pipelineId} = ${id}) > ${LIMITS.mapEntries} THEN 'too_many_entries' END`,
              ),
            ];
      const results = await runBatch(
        db,
        [
          db
            .update(pipelines)
            .set({
              ...(input.name === undefined ? {} : { name: input.name }),
              version: sql`${pipelines.version} + 1`,
              updatedAt: ms(now),
            })
            .where(and(eq(pipelines.id, id), eq(pipelines.archived, false), versionCondition(options))),
          guard(db, pipelineWriteFailure(id, options, true)),
          ...configurationStatements,
          selectOne(id),
        ],
        id,
      );
      return lastResult(results);
    },

    async delete(id, options = {}) {
      await runBatch(
        db,
        [
          db.delete(pipelines).where(and(eq(pipelines.id, id), versionCondition(options))),
          guard(db, pipelineWriteFailure(id, options, false)),
        ],
        id,
      );
    },

    archive(id, options = {}) {
      return setArchived(id, true, options);
    },

    restore(id, options = {}) {
      return setArchived(id, false, options);
    },

    async exists(id) {
      const row = await db.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.id, id)).get();
      return row !== undefined;
    },

    async count(filter) {
      if (filter.name === undefined && filter.config.length === 0) {
        // The counter rows kept by triggers (migrations/0001): O(1) whatever the table's size.
        const rows = await db
          .select({ total: pipelineCounts.total })
          .from(pipelineCounts)
          .where(filter.archived === "all" ? undefined : eq(pipelineCounts.archived, filter.archived === "true"));
        return rows.reduce((sum, row) => sum + row.total, 0);
      }
      const row = await db.get<{ count: number }>(countQuery(filter));
      return row?.count ?? 0;
    },

    list,

    listArchived(query) {
      return list({ ...query, archived: "true" });
    },

    findByConfig(config, query) {
      return list({ ...query, config });
    },

    async getMetrics(pipelineId) {
      const row = await db
        .select({ pipelineId: pipelines.id, metrics: processingMetrics })
        .from(pipelines)
        .leftJoin(processingMetrics, eq(processingMetrics.pipelineId, pipelines.id))
        .where(eq(pipelines.id, pipelineId))
        .get();
      if (!row) throw pipelineNotFound(pipelineId);
      return row.metrics ? toMetrics(pipelineId, row.metrics) : null;
    },

    async putMetrics(pipelineId, input: MetricsInput) {
      const updatedAt = clock().toISOString();
      const values = {
        ...input,
        pipelineId,
        startTime: input.startTime === null ? null : ms(input.startTime),
        endTime: input.endTime === null ? null : ms(input.endTime),
        updatedAt: ms(updatedAt),
      };
      const { pipelineId: _, ...changes } = values;
      await runBatch(
        db,
        [
          guard(
            db,
            sql`CASE
              WHEN NOT EXISTS (SELECT 1 FROM pipelines WHERE id = ${pipelineId}) THEN 'not_found'
              WHEN (SELECT archived FROM pipelines WHERE id = ${pipelineId}) = 1 THEN 'archived'
            END`,
          ),
          db.insert(processingMetrics).values(values).onConflictDoUpdate({ target: processingMetrics.pipelineId, set: changes }),
        ],
        pipelineId,
      );
      return { ...input, pipelineId, updatedAt };
    },
  };

  async function setArchived(id: string, archived: boolean, options: WriteOptions): Promise<Pipeline> {
    const results = await runBatch(
      db,
      [
        db
          .update(pipelines)
          .set({ archived, version: sql`${pipelines.version} + 1`, updatedAt: ms(clock().toISOString()) })
          .where(and(eq(pipelines.id, id), eq(pipelines.archived, !archived), versionCondition(options))),
        // Already in the wanted state is fine (idempotent); a stale If-Match is not.
        guard(db, pipelineWriteFailure(id, options, false)),
        selectOne(id),
      ],
      id,
    );
    return lastResult(results);
  }
}
