import { and, eq, getTableColumns, lte, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { pipelineNotFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { Metrics, MetricsInput } from "../domain/metrics";
import { LIMITS, newPipeline, type Pipeline, type Stage, stagesFrom } from "../domain/pipeline";
import type { ListQuery, Page, PipelineRepository, WriteOptions } from "../domain/repository";
import { countQuery, pageQuery } from "./d1-list-queries";
import { domainError, firstFailure, type GuardReason, writeGuard } from "./db/guard";
import { mapEntries, selectRows } from "./db/json-rows";
import { p, PIPELINE_JSON } from "./db/projection";
import * as schema from "./db/schema";
import { iso, ms } from "./db/time";

const { pipelines, pipelineStages, stageParameters, pipelineConfiguration, processingMetrics, pipelineCounts, idempotencyKeys } =
  schema;

type Db = DrizzleD1Database<typeof schema>;
type Statement = BatchItem<"sqlite">;
type Check = readonly [condition: SQL, reason: GuardReason];

async function runBatch(db: Db, statements: Statement[], id?: string) {
  try {
    return await db.batch(statements as [Statement, ...Statement[]]);
  } catch (error) {
    throw domainError(error, id);
  }
}

/**
 * The guard at the head of a write to pipeline `id`: the first failing check, judged on the
 * pipeline's current row `p` (NULL when there is none). It always checks that the pipeline
 * exists and, with `expectedVersion`, that its version is that one.
 */
function pipelineGuard(db: Db, id: string, options: WriteOptions, checks: Check[] = []): Statement {
  const expected = options.expectedVersion;
  const failure = firstFailure([
    [sql`p.id IS NULL`, "not_found"],
    ...(expected === undefined ? [] : [[sql`p.version <> ${expected}`, "version_mismatch"] as const]),
    ...checks,
  ]);
  return db.insert(writeGuard).select(sql`SELECT ${failure} FROM (SELECT 1) LEFT JOIN pipelines p ON p.id = ${id}`);
}

const notArchived: Check = [sql`p.archived = 1`, "archived"];

/** Another active pipeline already has `name`. */
const nameFree = (name: string): Check => [
  sql`EXISTS (SELECT 1 FROM pipelines o WHERE o.name = ${name} AND o.archived = 0 AND o.id <> p.id)`,
  "name_taken",
];

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

const stageRows = (pipelineId: string, stages: Stage[]) =>
  stages.map((stage) => ({
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

/** Parameters of `stages`, one statement. */
function insertParameters(db: Db, stages: Stage[], condition: SQL = sql`1`): Statement {
  const { from, owner } = mapEntries(
    stages.map((stage) => ({ id: stage.id, parameters: stage.parameters })),
    "id",
    "parameters",
  );
  return db.insert(stageParameters).select(sql`SELECT ${owner}, e.key, e.value FROM ${from} WHERE ${condition}`);
}

/**
 * Configuration entries (`null` values skipped: a merge patch's removals), written with the
 * copies of their pipeline's list keys read from the pipeline row itself, whichever statement
 * of the batch last changed it (later changes reach the copies through the pipelines' triggers).
 */
function insertConfiguration(
  db: Db,
  owners: { id: string; configuration: Record<string, string | null> }[],
  condition: SQL = sql`1`,
) {
  const { from, owner } = mapEntries(owners, "id", "configuration");
  return db
    .insert(pipelineConfiguration)
    .select(
      sql`SELECT p.id, e.key, e.value, p.archived, p.name, p.created_at, p.updated_at
        FROM ${from} JOIN pipelines p ON p.id = ${owner} WHERE e.type <> 'null' AND ${condition}`,
    );
}

/** Every row of new pipelines, in four statements whatever their number; with `condition`, only where it holds. */
function insertStatements(db: Db, items: Pipeline[], condition?: SQL): Statement[] {
  const stages = items.flatMap((pipeline) => pipeline.stages);
  return [
    db.insert(pipelines).select(selectRows(pipelineMembers, items.map(pipelineRow), condition)),
    db.insert(pipelineStages).select(selectRows(stageMembers, items.flatMap((item) => stageRows(item.id, item.stages)), condition)),
    insertParameters(db, stages, condition),
    insertConfiguration(db, items, condition),
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

const parsePipeline = (row: { pipeline: string } | undefined) => (row ? (JSON.parse(row.pipeline) as Pipeline) : null);

export function createD1PipelineRepository(d1: D1Database, clock: () => Date = () => new Date()): PipelineRepository {
  const db: Db = drizzle(d1, { schema });

  const selectOne = (id: string) => db.select({ pipeline: sql<string>`${PIPELINE_JSON}` }).from(p).where(eq(p.id, id));
  // The most frequent read, built once per repository: drizzle then only binds the id.
  const findOne = db
    .select({ pipeline: sql<string>`${PIPELINE_JSON}` })
    .from(p)
    .where(eq(p.id, sql.placeholder("id")))
    .prepare();

  /** Runs `writes` and then reads pipeline `id` as it is after them, in one batch. */
  async function writeAndRead(id: string, writes: Statement[]): Promise<Pipeline> {
    const results = await runBatch(db, [...writes, selectOne(id)], id);
    const pipeline = parsePipeline((results[writes.length] as { pipeline: string }[])[0]);
    if (!pipeline) throw new Error("the written pipeline vanished within its own batch");
    return pipeline;
  }

  async function saveMany(inputs: Parameters<PipelineRepository["saveMany"]>[0]) {
    const now = clock().toISOString();
    const items = inputs.map((input) => newPipeline(input, now));
    await runBatch(db, insertStatements(db, items));
    return items;
  }

  async function setArchived(id: string, archived: boolean, options: WriteOptions): Promise<Pipeline> {
    return writeAndRead(id, [
      pipelineGuard(db, id, options),
      // Already in the wanted state changes nothing (idempotent).
      db
        .update(pipelines)
        .set({ archived, version: sql`${pipelines.version} + 1`, updatedAt: ms(clock().toISOString()) })
        .where(and(eq(pipelines.id, id), eq(pipelines.archived, !archived))),
    ]);
  }

  return {
    saveMany,

    async saveManyOnce(inputs, claim) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      const nonce = newId();
      const sameKey = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
      // The rows go in only if this request's nonce won the claim on the key.
      const claimWon = sql`(SELECT nonce FROM idempotency_keys WHERE scope = ${claim.scope} AND key = ${claim.key}) = ${nonce}`;
      const statements: Statement[] = [
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
      ];
      const claimRead = statements.push(
        db
          .select({ fingerprint: idempotencyKeys.fingerprint, nonce: idempotencyKeys.nonce, response: idempotencyKeys.response })
          .from(idempotencyKeys)
          .where(sameKey),
      );
      const results = await runBatch(db, statements);
      const [claimed] = results[claimRead - 1] as { fingerprint: string; nonce: string; response: string }[];
      if (!claimed) throw new Error("the idempotency claim vanished within its own batch");
      return claimed.nonce === nonce
        ? { kind: "created", pipelines: items }
        : { kind: "claimed-before", fingerprint: claimed.fingerprint, record: claimed.response };
    },

    async findById(id) {
      return parsePipeline(await findOne.get({ id }));
    },

    update(id, input, options = {}) {
      const now = clock().toISOString();
      const stages = stagesFrom(input.stages, now);
      const keptIds = JSON.stringify(input.stages.flatMap((stage) => (stage.id ? [stage.id] : [])));
      const kept = sql`(SELECT value FROM json_each(${keptIds}))`;
      const stageSet = Object.fromEntries(
        stageMembers
          .filter((member) => member !== "id" && member !== "pipelineId" && member !== "createdAt")
          .map((member) => [member, sql.raw(`excluded.${getTableColumns(pipelineStages)[member as "name"].name}`)]),
      );
      return writeAndRead(id, [
        pipelineGuard(db, id, options, [
          notArchived,
          nameFree(input.name),
          // Every id the client gave must name one of this pipeline's stages.
          [
            sql`(SELECT count(*) FROM pipeline_stages s WHERE s.pipeline_id = p.id AND s.id IN ${kept}) <> json_array_length(${keptIds})`,
            "foreign_stage",
          ],
        ]),
        db.update(pipelines).set({ name: input.name, version: sql`${pipelines.version} + 1`, updatedAt: ms(now) }).where(eq(pipelines.id, id)),
        db.delete(pipelineStages).where(and(eq(pipelineStages.pipelineId, id), sql`${pipelineStages.id} NOT IN ${kept}`)),
        db.delete(stageParameters).where(sql`${stageParameters.stageId} IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ${id})`),
        // A kept stage keeps its createdAt: every other column is replaced.
        db
          .insert(pipelineStages)
          .select(selectRows(stageMembers, stageRows(id, stages)))
          .onConflictDoUpdate({ target: pipelineStages.id, set: stageSet }),
        insertParameters(db, stages),
        db.delete(pipelineConfiguration).where(eq(pipelineConfiguration.pipelineId, id)),
        insertConfiguration(db, [{ id, configuration: input.configuration }]),
      ]);
    },

    patch(id, input, options = {}) {
      const now = clock().toISOString();
      const changes = input.configuration;
      const checks: Check[] = [notArchived, ...(input.name === undefined ? [] : [nameFree(input.name)])];
      const configurationStatements: Statement[] = [];
      if (changes === null) {
        configurationStatements.push(db.delete(pipelineConfiguration).where(eq(pipelineConfiguration.pipelineId, id)));
      } else if (changes !== undefined) {
        const patch = JSON.stringify(changes);
        const set = Object.values(changes).filter((value) => value !== null).length;
        // Entries after the patch: those it leaves alone plus those it sets.
        checks.push([
          sql`(SELECT count(*) FROM pipeline_configuration c WHERE c.pipeline_id = p.id AND c.key NOT IN (SELECT key FROM json_each(${patch}))) + ${set} > ${LIMITS.mapEntries}`,
          "too_many_entries",
        ]);
        configurationStatements.push(
          db
            .delete(pipelineConfiguration)
            .where(
              and(
                eq(pipelineConfiguration.pipelineId, id),
                sql`${pipelineConfiguration.key} IN (SELECT key FROM json_each(${patch}) WHERE type = 'null')`,
              ),
            ),
          insertConfiguration(db, [{ id, configuration: changes }]).onConflictDoUpdate({
            target: [pipelineConfiguration.pipelineId, pipelineConfiguration.key],
            set: { value: sql`excluded.value` },
          }),
        );
      }
      return writeAndRead(id, [
        pipelineGuard(db, id, options, checks),
        db
          .update(pipelines)
          .set({ ...(input.name === undefined ? {} : { name: input.name }), version: sql`${pipelines.version} + 1`, updatedAt: ms(now) })
          .where(eq(pipelines.id, id)),
        ...configurationStatements,
      ]);
    },

    async delete(id, options = {}) {
      await runBatch(db, [pipelineGuard(db, id, options), db.delete(pipelines).where(eq(pipelines.id, id))], id);
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

    async list(query: ListQuery): Promise<Page> {
      const rows = await db.all<{ pipeline: string }>(pageQuery(query));
      const items = rows.slice(0, query.limit).map((row) => JSON.parse(row.pipeline) as Pipeline);
      const last = items.at(-1);
      const next = rows.length > query.limit && last ? { value: last[query.sort.field], id: last.id } : null;
      return { items, next };
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
          pipelineGuard(db, pipelineId, {}, [notArchived]),
          db.insert(processingMetrics).values(values).onConflictDoUpdate({ target: processingMetrics.pipelineId, set: changes }),
        ],
        pipelineId,
      );
      return { ...input, pipelineId, updatedAt };
    },
  };
}
