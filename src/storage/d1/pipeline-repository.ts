import { pipelineNotFound } from "../../domain/errors";
import { type Change, HISTORY_DEFAULTS } from "../../domain/history";
import { newId } from "../../domain/ids";
import { METRICS_DEFAULTS, type MetricsInput } from "../../domain/metrics";
import { LIMITS, newPipeline, type Pipeline, stagesFrom } from "../../domain/pipeline";
import {
  type ListQuery,
  nextKeyset,
  type Page,
  type PipelineRepository,
  pageOfJson,
  type WriteMeta,
  type WriteOptions,
  writeContextOf,
} from "../../domain/repository";
import { WORKSPACE_DEFAULTS } from "../../domain/workspace";
import { domainError } from "../shared/refusals";
import type { RepositorySettings } from "../shared/request-storage";
import { type SQL, sql } from "../shared/sql";
import { d1ChangeFeed, recordPipelineEvent } from "./change-events";
import { insertConfiguration, insertPipelines, replaceContent } from "./content-statements";
import { type Check, firstFailure, INSERT_GUARD, reason } from "./guard";
import { d1HistoryQueries } from "./history-queries";
import { recordRevisions } from "./history-statements";
import { countQuery, pageQuery } from "./list-queries";
import { d1MetricsHistory, recordMetricsHistory } from "./metrics-history";
import { METRICS_COLUMNS, METRICS_INSERT, METRICS_ON_CONFLICT, METRICS_SELECT, type MetricsRow, toMetrics } from "./metrics-rows";
import { PIPELINE_JSON } from "./projection";
import { prepare } from "./statement";
import { ms } from "./time";

async function runBatch(db: D1Database, statements: SQL[], id?: string): Promise<D1Result[]> {
  try {
    return await db.batch(statements.map((statement) => prepare(db, statement)));
  } catch (error) {
    throw domainError(error, id);
  }
}

/**
 * The guard at the head of a write to pipeline `id` of `workspace`: the first failing check,
 * judged on the pipeline's current row `p` (NULL when there is none, or when it is another
 * workspace's). It always checks that the pipeline exists and, with `expectedVersion`, that its
 * version is that one; the statements after it may then name the pipeline by its id alone.
 */
function pipelineGuard(workspace: string, id: string, options: WriteOptions, checks: Check[] = []): SQL {
  const expected = options.expectedVersion;
  const failure = firstFailure([
    [sql`p.id IS NULL`, "not_found"],
    ...(expected === undefined ? [] : [[sql`p.version <> ${expected}`, "version_mismatch"] as const]),
    ...checks,
  ]);
  return sql`${INSERT_GUARD} SELECT ${failure} FROM (SELECT 1) LEFT JOIN pipelines p ON p.id = ${id} AND p.workspace = ${workspace}`;
}

const notArchived: Check = [sql`p.archived = 1`, "archived"];

/** Another active pipeline of p's workspace already has `name` (SQL). */
const nameFree = (name: SQL): Check => [
  sql`EXISTS (SELECT 1 FROM pipelines o WHERE o.workspace = p.workspace AND o.name = ${name} AND o.archived = 0 AND o.id <> p.id)`,
  "name_taken",
];

const parsePipeline = (row: { pipeline: string } | undefined) => (row ? (JSON.parse(row.pipeline) as Pipeline) : null);

/** The pipelines of one workspace, on D1. */
export function d1PipelineRepository(
  db: D1Database,
  workspace: string,
  clock: () => Date = () => new Date(),
  settings: RepositorySettings = { revisionsKeep: HISTORY_DEFAULTS.revisionsKeep },
): PipelineRepository {
  const keep = settings.revisionsKeep;
  const metricsKeep = settings.metricsKeep ?? METRICS_DEFAULTS.keep;
  const maxPipelines = settings.maxPipelines ?? WORKSPACE_DEFAULTS.maxPipelines;
  const guard = (id: string, options: WriteOptions, checks?: Check[]) => pipelineGuard(workspace, id, options, checks);

  const selectOne = (id: string) =>
    sql`SELECT ${PIPELINE_JSON} AS pipeline FROM pipelines p WHERE p.id = ${id} AND p.workspace = ${workspace}`;
  /** Aborts a create of `count` pipelines that would take the workspace past its quota; `unless` (SQL) spares a replay. */
  const quotaGuard = (count: number, unless: SQL = sql`0`) =>
    sql`${INSERT_GUARD} SELECT CASE WHEN NOT (${unless}) AND
      (SELECT coalesce(sum(total), 0) FROM pipeline_counts WHERE workspace = ${workspace}) + ${count} > ${maxPipelines}
      THEN ${reason("quota_exceeded")} END`;
  /** A change of pipeline `id`: guard, the writes, its revision and event, then the pipeline as it now is; one batch. */
  async function change(id: string, kind: Change, meta: WriteMeta, writes: SQL[]): Promise<Pipeline> {
    const history = recordRevisions(sql`p.id = ${id}`, kind, writeContextOf(meta), { keep, count: 1 });
    const statements = [...writes, ...history];
    const results = await runBatch(db, [...statements, selectOne(id)], id);
    const pipeline = parsePipeline(results[statements.length]?.results[0] as { pipeline: string } | undefined);
    if (!pipeline) throw new Error("the written pipeline vanished within its own batch");
    return pipeline;
  }

  /** New pipelines with their revisions and events; with `condition`, written only where it holds. */
  function creation(items: Pipeline[], meta: WriteMeta, condition?: SQL): SQL[] {
    const ids = sql`p.id IN (SELECT value FROM json_each(${JSON.stringify(items.map((item) => item.id))}))`;
    return [
      ...insertPipelines(workspace, items, condition),
      ...recordRevisions(ids, "created", writeContextOf(meta), { keep, count: items.length }),
    ];
  }

  function setArchived(id: string, archived: boolean, options: WriteOptions): Promise<Pipeline> {
    return change(id, archived ? "archived" : "restored", options, [
      guard(id, options),
      // Already in the wanted state changes nothing (idempotent), and so records no revision.
      sql`UPDATE pipelines SET archived = ${archived}, version = version + 1, updated_at = ${ms(clock().toISOString())}
        WHERE id = ${id} AND archived = ${!archived}`,
    ]);
  }

  return {
    async saveMany(inputs, meta = {}) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      await runBatch(db, [quotaGuard(items.length), ...creation(items, meta)]);
      return items;
    },

    async saveManyOnce(inputs, claim, meta = {}) {
      const now = clock().toISOString();
      const items = inputs.map((input) => newPipeline(input, now));
      const nonce = newId();
      const sameKey = sql`workspace = ${workspace} AND scope = ${claim.scope} AND key = ${claim.key}`;
      // The rows go in only if this request's nonce won the claim on the key.
      const claimWon = sql`(SELECT nonce FROM idempotency_keys WHERE ${sameKey}) = ${nonce}`;
      const statements: SQL[] = [
        // A replay (an unexpired claim on the key) creates nothing, so the quota does not refuse it.
        quotaGuard(items.length, sql`EXISTS (SELECT 1 FROM idempotency_keys WHERE ${sameKey} AND expires_at > ${ms(now)})`),
        sql`DELETE FROM idempotency_keys WHERE ${sameKey} AND expires_at <= ${ms(now)}`,
        sql`INSERT INTO idempotency_keys (workspace, scope, key, fingerprint, nonce, response, created_at, expires_at)
          VALUES (${workspace}, ${claim.scope}, ${claim.key}, ${claim.fingerprint}, ${nonce}, ${claim.record(items)}, ${ms(now)}, ${ms(claim.expiresAt)})
          ON CONFLICT DO NOTHING`,
        ...creation(items, meta, claimWon),
        sql`SELECT fingerprint, nonce, response FROM idempotency_keys WHERE ${sameKey}`,
      ];
      const results = await runBatch(db, statements);
      const claimed = results.at(-1)?.results[0] as { fingerprint: string; nonce: string; response: string } | undefined;
      if (!claimed) throw new Error("the idempotency claim vanished within its own batch");
      return claimed.nonce === nonce
        ? { kind: "created", pipelines: items }
        : { kind: "claimed-before", fingerprint: claimed.fingerprint, record: claimed.response };
    },

    async findById(id) {
      return parsePipeline((await prepare(db, selectOne(id)).first<{ pipeline: string }>()) ?? undefined);
    },

    update(id, input, options = {}) {
      const now = clock().toISOString();
      const keptIds = JSON.stringify(input.stages.flatMap((stage) => (stage.id ? [stage.id] : [])));
      return change(id, "replaced", options, [
        guard(id, options, [
          notArchived,
          nameFree(sql`${input.name}`),
          // Every id the client gave must name one of this pipeline's stages.
          [
            sql`(SELECT count(*) FROM pipeline_stages s WHERE s.pipeline_id = p.id AND s.id IN (SELECT value FROM json_each(${keptIds})))
              <> json_array_length(${keptIds})`,
            "foreign_stage",
          ],
        ]),
        ...replaceContent(
          id,
          {
            name: sql`${input.name}`,
            stages: sql`${JSON.stringify(stagesFrom(input.stages, now))}`,
            configuration: sql`${JSON.stringify(input.configuration)}`,
          },
          ms(now),
        ),
      ]);
    },

    rollback(id, version, options = {}) {
      const revision = sql`(SELECT pipeline FROM pipeline_revisions WHERE pipeline_id = ${id} AND version = ${version})`;
      return change(id, "rolledBack", options, [
        guard(id, options, [notArchived, [sql`${revision} IS NULL`, "revision_not_found"], nameFree(sql`${revision} ->> '$.name'`)]),
        ...replaceContent(
          id,
          {
            name: sql`${revision} ->> '$.name'`,
            stages: sql`${revision} -> '$.stages'`,
            configuration: sql`${revision} -> '$.configuration'`,
          },
          ms(clock().toISOString()),
        ),
      ]);
    },

    patch(id, input, options = {}) {
      const now = clock().toISOString();
      const changes = input.configuration;
      const checks: Check[] = [notArchived, ...(input.name === undefined ? [] : [nameFree(sql`${input.name}`)])];
      const configurationStatements: SQL[] = [];
      if (changes === null) {
        configurationStatements.push(sql`DELETE FROM pipeline_configuration WHERE pipeline_id = ${id}`);
      } else if (changes !== undefined) {
        const patch = JSON.stringify(changes);
        const set = Object.values(changes).filter((value) => value !== null).length;
        // Entries after the patch: those it leaves alone plus those it sets.
        checks.push([
          sql`(SELECT count(*) FROM pipeline_configuration c WHERE c.pipeline_id = p.id AND c.key NOT IN (SELECT key FROM json_each(${patch}))) + ${set} > ${LIMITS.mapEntries}`,
          "too_many_entries",
        ]);
        configurationStatements.push(
          sql`DELETE FROM pipeline_configuration WHERE pipeline_id = ${id} AND key IN (SELECT key FROM json_each(${patch}) WHERE type = 'null')`,
          insertConfiguration(
            [{ id, configuration: changes }],
            sql`1`,
            sql`ON CONFLICT (pipeline_id, key) DO UPDATE SET value = excluded.value`,
          ),
        );
      }
      const rename = input.name === undefined ? sql`` : sql`name = ${input.name},`;
      return change(id, "patched", options, [
        guard(id, options, checks),
        sql`UPDATE pipelines SET ${rename} version = version + 1, updated_at = ${ms(now)} WHERE id = ${id}`,
        ...configurationStatements,
      ]);
    },

    async delete(id, options = {}) {
      const event = { action: "pipeline.deleted", resource: { type: "pipeline", id }, version: null, at: clock().getTime() } as const;
      await runBatch(
        db,
        [
          guard(id, options),
          ...recordPipelineEvent(workspace, event, writeContextOf(options), "deleted"),
          sql`DELETE FROM pipelines WHERE id = ${id}`,
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
      return (await prepare(db, sql`SELECT id FROM pipelines WHERE id = ${id} AND workspace = ${workspace}`).first()) !== null;
    },

    async count(filter) {
      if (filter.name === undefined && filter.config.length === 0) {
        // The counter rows kept by triggers (migrations/0001): O(1) whatever the table's size. Each
        // row is a lookup of its whole key; `archived IN (0, 1)` would also read the IN list's
        // temporary table, which D1 counts as rows read.
        const total = (archived: boolean) =>
          sql`coalesce((SELECT total FROM pipeline_counts WHERE workspace = ${workspace} AND archived = ${archived}), 0)`;
        const which = filter.archived === "all" ? sql`${total(false)} + ${total(true)}` : total(filter.archived === "true");
        const row = await prepare(db, sql`SELECT ${which} AS total`).first<{ total: number }>();
        return row?.total ?? 0;
      }
      const row = await prepare(db, countQuery(workspace, filter)).first<{ count: number }>();
      return row?.count ?? 0;
    },

    async list(query: ListQuery): Promise<Page> {
      const { results: rows } = await prepare(db, pageQuery(workspace, query)).all<{ pipeline: string }>();
      const texts = rows.slice(0, query.limit).map((row) => row.pipeline);
      const lastText = texts.at(-1);
      const last = lastText === undefined ? undefined : (JSON.parse(lastText) as Pipeline);
      return pageOfJson(texts, nextKeyset(last, query.sort.field, rows.length > query.limit));
    },

    async getMetrics(pipelineId) {
      const row = await prepare(
        db,
        sql`SELECT p.id AS pipeline, ${METRICS_SELECT} FROM pipelines p LEFT JOIN processing_metrics m ON m.pipeline_id = p.id
          WHERE p.id = ${pipelineId} AND p.workspace = ${workspace}`,
      ).first<MetricsRow & { pipeline: string }>();
      if (!row) throw pipelineNotFound(pipelineId);
      const { pipeline: _, ...metrics } = row;
      return metrics.updatedAt === null ? null : toMetrics(pipelineId, metrics);
    },

    async putMetrics(pipelineId, input: MetricsInput, meta = {}) {
      const updatedAt = clock().toISOString();
      const values: Omit<MetricsRow, "pipelineId"> = {
        ...input,
        startTime: input.startTime === null ? null : ms(input.startTime),
        endTime: input.endTime === null ? null : ms(input.endTime),
        updatedAt: ms(updatedAt),
      };
      const row = sql.join(
        (Object.keys(METRICS_COLUMNS) as (keyof typeof METRICS_COLUMNS)[]).map((member) => sql`${values[member]}`),
        ", ",
      );
      const event = {
        action: "pipeline.metricsRecorded",
        resource: { type: "pipeline", id: pipelineId },
        version: sql`(SELECT version FROM pipelines WHERE id = ${pipelineId})`,
        at: ms(updatedAt),
      } as const;
      await runBatch(
        db,
        [
          guard(pipelineId, {}, [notArchived]),
          sql`${METRICS_INSERT} VALUES (${pipelineId}, ${row}) ${METRICS_ON_CONFLICT}`,
          ...recordMetricsHistory(pipelineId, row, metricsKeep),
          ...recordPipelineEvent(workspace, event, writeContextOf(meta), "current"),
        ],
        pipelineId,
      );
      return { ...input, pipelineId, updatedAt };
    },

    ...d1HistoryQueries(db, workspace),
    ...d1MetricsHistory(db, workspace),
    ...d1ChangeFeed(db, workspace),
  };
}
