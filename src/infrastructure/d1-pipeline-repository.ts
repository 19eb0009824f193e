import { and, eq, lte, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { pipelineNotFound } from "../domain/errors";
import { type Change, HISTORY_DEFAULTS } from "../domain/history";
import { newId } from "../domain/ids";
import type { Metrics, MetricsInput } from "../domain/metrics";
import { LIMITS, newPipeline, type Pipeline, stagesFrom } from "../domain/pipeline";
import {
  type ListQuery,
  type Page,
  type PipelineRepository,
  type WriteMeta,
  type WriteOptions,
  writeContextOf,
} from "../domain/repository";
import { historyQueries } from "./d1-history-queries";
import { countQuery, pageQuery } from "./d1-list-queries";
import { insertConfiguration, insertPipelines, replaceContent } from "./db/content-statements";
import { firstFailure, writeGuard } from "./db/guard";
import { recordEvent, recordRevisions } from "./db/history-statements";
import { PIPELINE_JSON, p } from "./db/projection";
import * as schema from "./db/schema";
import { iso, ms } from "./db/time";
import { domainError, type GuardReason } from "./refusals";

const { pipelines, pipelineConfiguration, processingMetrics, pipelineCounts, idempotencyKeys } = schema;

type Db = DrizzleD1Database;
type Statement = BatchItem<"sqlite">;
type Check = readonly [condition: SQL, reason: GuardReason];

export interface D1RepositorySettings {
  /** How many of each pipeline's newest revisions are kept (`REVISIONS_KEEP`). */
  revisionsKeep: number;
}

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

/** Another active pipeline already has `name` (SQL). */
const nameFree = (name: SQL): Check => [
  sql`EXISTS (SELECT 1 FROM pipelines o WHERE o.name = ${name} AND o.archived = 0 AND o.id <> p.id)`,
  "name_taken",
];

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

export function createD1PipelineRepository(
  d1: D1Database,
  clock: () => Date = () => new Date(),
  settings: D1RepositorySettings = { revisionsKeep: HISTORY_DEFAULTS.revisionsKeep },
): PipelineRepository {
  // Without the relational schema (nothing here uses db.query): built per request, so it must be cheap.
  const db: Db = drizzle(d1);
  const keep = settings.revisionsKeep;

  const selectOne = (id: string) =>
    db
      .select({ pipeline: sql<string>`${PIPELINE_JSON}` })
      .from(p)
      .where(eq(p.id, id));
  /** A change of pipeline `id`: guard, the writes, its revision and event, then the pipeline as it now is; one batch. */
  async function change(id: string, kind: Change, meta: WriteMeta, writes: Statement[]): Promise<Pipeline> {
    const history = recordRevisions(db, sql`p.id = ${id}`, kind, writeContextOf(meta), { keep, count: 1 });
    const statements = [...writes, ...history];
    const results = await runBatch(db, [...statements, selectOne(id)], id);
    const pipeline = parsePipeline((results[statements.length] as { pipeline: string }[])[0]);
    if (!pipeline) throw new Error("the written pipeline vanished within its own batch");
    return pipeline;
  }

  /** New pipelines with their revisions and events; with `condition`, written only where it holds. */
  function creation(items: Pipeline[], meta: WriteMeta, condition?: SQL): Statement[] {
    const ids = sql`p.id IN (SELECT value FROM json_each(${JSON.stringify(items.map((item) => item.id))}))`;
    return [
      ...insertPipelines(db, items, condition),
      ...recordRevisions(db, ids, "created", writeContextOf(meta), { keep, count: items.length }),
    ];
  }

  function setArchived(id: string, archived: boolean, options: WriteOptions): Promise<Pipeline> {
    return change(id, archived ? "archived" : "restored", options, [
      pipelineGuard(db, id, options),
      // Already in the wanted state changes nothing (idempotent), and so records no revision.
      db
        .update(pipelines)
        .set({ archived, version: sql`${pipelines.version} + 1`, updatedAt: ms(clock().toISOString()) })
        .where(and(eq(pipelines.id, id), eq(pipelines.archived, !archived))),
    ]);
  }

  return {
    async saveMany(inputs, meta = {}) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      await runBatch(db, creation(items, meta));
      return items;
    },

    async saveManyOnce(inputs, claim, meta = {}) {
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
        ...creation(items, meta, claimWon),
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
      return parsePipeline(await selectOne(id).get());
    },

    update(id, input, options = {}) {
      const now = clock().toISOString();
      const content = { name: input.name, configuration: input.configuration, stages: stagesFrom(input.stages, now) };
      const keptIds = JSON.stringify(input.stages.flatMap((stage) => (stage.id ? [stage.id] : [])));
      return change(id, "replaced", options, [
        pipelineGuard(db, id, options, [
          notArchived,
          nameFree(sql`${input.name}`),
          // Every id the client gave must name one of this pipeline's stages.
          [
            sql`(SELECT count(*) FROM pipeline_stages s WHERE s.pipeline_id = p.id AND s.id IN (SELECT value FROM json_each(${keptIds})))
              <> json_array_length(${keptIds})`,
            "foreign_stage",
          ],
        ]),
        ...replaceContent(db, id, sql`${JSON.stringify(content)}`, ms(now)),
      ]);
    },

    rollback(id, version, options = {}) {
      const revision = sql`(SELECT pipeline FROM pipeline_revisions WHERE pipeline_id = ${id} AND version = ${version})`;
      return change(id, "rolledBack", options, [
        pipelineGuard(db, id, options, [
          notArchived,
          [sql`${revision} IS NULL`, "revision_not_found"],
          nameFree(sql`${revision} ->> '$.name'`),
        ]),
        ...replaceContent(db, id, revision, ms(clock().toISOString())),
      ]);
    },

    patch(id, input, options = {}) {
      const now = clock().toISOString();
      const changes = input.configuration;
      const checks: Check[] = [notArchived, ...(input.name === undefined ? [] : [nameFree(sql`${input.name}`)])];
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
      return change(id, "patched", options, [
        pipelineGuard(db, id, options, checks),
        db
          .update(pipelines)
          .set({ ...(input.name === undefined ? {} : { name: input.name }), version: sql`${pipelines.version} + 1`, updatedAt: ms(now) })
          .where(eq(pipelines.id, id)),
        ...configurationStatements,
      ]);
    },

    async delete(id, options = {}) {
      const event = { action: "pipeline.deleted", resource: { type: "pipeline", id }, version: null, at: clock().getTime() } as const;
      await runBatch(
        db,
        [pipelineGuard(db, id, options), recordEvent(db, event, writeContextOf(options)), db.delete(pipelines).where(eq(pipelines.id, id))],
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

    async putMetrics(pipelineId, input: MetricsInput, meta = {}) {
      const updatedAt = clock().toISOString();
      const values = {
        ...input,
        pipelineId,
        startTime: input.startTime === null ? null : ms(input.startTime),
        endTime: input.endTime === null ? null : ms(input.endTime),
        updatedAt: ms(updatedAt),
      };
      const { pipelineId: _, ...changes } = values;
      const event = {
        action: "pipeline.metricsRecorded",
        resource: { type: "pipeline", id: pipelineId },
        version: sql`(SELECT version FROM pipelines WHERE id = ${pipelineId})`,
        at: ms(updatedAt),
      } as const;
      await runBatch(
        db,
        [
          pipelineGuard(db, pipelineId, {}, [notArchived]),
          db.insert(processingMetrics).values(values).onConflictDoUpdate({ target: processingMetrics.pipelineId, set: changes }),
          recordEvent(db, event, writeContextOf(meta)),
        ],
        pipelineId,
      );
      return { ...input, pipelineId, updatedAt };
    },

    ...historyQueries(db),
  };
}
