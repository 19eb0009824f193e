import { pipelineNotFound } from "../../domain/errors";
import { type Change, HISTORY_DEFAULTS } from "../../domain/history";
import { newId } from "../../domain/ids";
import { METRICS_DEFAULTS, type Metrics } from "../../domain/metrics";
import { LIMITS, newPipeline, type Pipeline, stagesFrom } from "../../domain/pipeline";
import { nextKeyset, type PipelineRepository, type WriteMeta, type WriteOptions, writeContextOf } from "../../domain/repository";
import { WORKSPACE_DEFAULTS } from "../../domain/workspace";
import type { RepositorySettings } from "../shared/request-storage";
import { sql } from "../shared/sql";
import { contextJson, eventIds, textArray } from "./arguments";
import { postgresChangeFeed } from "./change-events";
import type { PostgresCalls } from "./connection";
import { postgresHistoryQueries } from "./history-queries";
import { countQuery, pageQuery } from "./list-queries";
import { METRICS_JSON, postgresMetricsHistory } from "./metrics-history";

/**
 * The PostgreSQL repository: each write is one call of its function in functions/pipelines.sql
 * (checks on locked rows, the change, its revision, audit event and change event, one transaction), each
 * read one SELECT; the connection (./connection.ts) makes either one round trip. Ids, times
 * and new content are made here, as the D1 repository makes them, so both answer alike. Every
 * function and every read is given the workspace, and reaches that workspace's rows only.
 */

const expectedOf = (options: WriteOptions) => options.expectedVersion ?? null;

/** The pipelines of one workspace, on PostgreSQL. */
export function postgresPipelineRepository(
  connection: PostgresCalls,
  workspace: string,
  clock: () => Date = () => new Date(),
  settings: RepositorySettings = { revisionsKeep: HISTORY_DEFAULTS.revisionsKeep },
): PipelineRepository {
  const keep = settings.revisionsKeep;
  const metricsKeep = settings.metricsKeep ?? METRICS_DEFAULTS.keep;
  const maxPipelines = settings.maxPipelines ?? WORKSPACE_DEFAULTS.maxPipelines;
  const now = () => clock().toISOString();
  const create = (items: Pipeline[], meta: WriteMeta, claim: string | null) =>
    sql`registry_create(${workspace}, ${JSON.stringify(items)}::json, ${contextJson(writeContextOf(meta))}, ${keep}, ${eventIds(items.length)},
      ${claim}::json, ${maxPipelines})`;

  const replace = (id: string, change: Change, content: object | null, fromVersion: number | null, kept: string[], options: WriteOptions) =>
    connection.value<Pipeline>(
      sql`registry_replace(${workspace}, ${id}, ${content === null ? null : JSON.stringify(content)}::json, ${fromVersion}::integer,
        ${textArray(kept)}, ${expectedOf(options)}::integer, ${change}, ${contextJson(writeContextOf(options))}, ${keep},
        ${newId()}, ${now()}::timestamptz)`,
      id,
    );

  const setArchived = (id: string, archived: boolean, options: WriteOptions) =>
    connection.value<Pipeline>(
      sql`registry_set_archived(${workspace}, ${id}, ${archived}, ${expectedOf(options)}::integer, ${contextJson(writeContextOf(options))}, ${keep}, ${newId()},
        ${now()}::timestamptz)`,
      id,
    );

  return {
    async saveMany(inputs, meta = {}) {
      const at = now();
      const items = inputs.map((input) => newPipeline(input, at));
      await connection.value(create(items, meta, null));
      return items;
    },

    async saveManyOnce(inputs, claim, meta = {}) {
      const at = now();
      const items = inputs.map((input) => newPipeline(input, at));
      const nonce = newId();
      const claimJson = JSON.stringify({
        scope: claim.scope,
        key: claim.key,
        fingerprint: claim.fingerprint,
        nonce,
        response: claim.record(items),
        now: at,
        expiresAt: claim.expiresAt,
      });
      const earlier = await connection.value<{ fingerprint: string; response: string } | null>(create(items, meta, claimJson));
      return earlier === null
        ? { kind: "created", pipelines: items }
        : { kind: "claimed-before", fingerprint: earlier.fingerprint, record: earlier.response };
    },

    findById: (id) =>
      connection.value<Pipeline | null>(
        sql`SELECT registry_pipeline_json(p.id) FROM pipelines p WHERE p.id = ${id} AND p.workspace = ${workspace}`,
        id,
      ),

    update(id, input, options = {}) {
      const content = { name: input.name, configuration: input.configuration, stages: stagesFrom(input.stages, now()) };
      const kept = input.stages.flatMap((stage) => (stage.id ? [stage.id] : []));
      return replace(id, "replaced", content, null, kept, options);
    },

    rollback(id, version, options = {}) {
      return replace(id, "rolledBack", null, version, [], options);
    },

    patch(id, input, options = {}) {
      const changes = input.configuration;
      const mode = changes === undefined ? "keep" : changes === null ? "clear" : "merge";
      return connection.value<Pipeline>(
        sql`registry_patch(${workspace}, ${id}, ${input.name !== undefined}, ${input.name ?? null}::text, ${mode},
          ${changes ? JSON.stringify(changes) : null}::json, ${LIMITS.mapEntries}, ${expectedOf(options)}::integer,
          ${contextJson(writeContextOf(options))}, ${keep}, ${newId()}, ${now()}::timestamptz)`,
        id,
      );
    },

    async delete(id, options = {}) {
      await connection.value(
        sql`registry_delete(${workspace}, ${id}, ${expectedOf(options)}::integer, ${contextJson(writeContextOf(options))}, ${newId()}, ${now()}::timestamptz)`,
        id,
      );
    },

    archive: (id, options = {}) => setArchived(id, true, options),
    restore: (id, options = {}) => setArchived(id, false, options),

    exists: (id) => connection.value<boolean>(sql`EXISTS (SELECT 1 FROM pipelines WHERE id = ${id} AND workspace = ${workspace})`, id),

    async count(filter) {
      const [row] = await connection.rows<{ count: number }>(countQuery(workspace, filter));
      return row?.count ?? 0;
    },

    async list(query) {
      const rows = await connection.rows<{ pipeline: Pipeline }>(pageQuery(workspace, query));
      const items = rows.slice(0, query.limit).map((row) => row.pipeline);
      return { items, next: nextKeyset(items.at(-1), query.sort.field, rows.length > query.limit) };
    },

    async getMetrics(pipelineId) {
      const [row] = await connection.rows<{ metrics: Metrics | null }>(
        sql`SELECT (SELECT ${METRICS_JSON}
            FROM processing_metrics m WHERE m.pipeline_id = p.id) AS metrics
          FROM pipelines p WHERE p.id = ${pipelineId} AND p.workspace = ${workspace}`,
        pipelineId,
      );
      if (!row) throw pipelineNotFound(pipelineId);
      return row.metrics;
    },

    async putMetrics(pipelineId, input, meta = {}) {
      const updatedAt = now();
      await connection.value(
        sql`registry_put_metrics(${workspace}, ${pipelineId}, ${JSON.stringify(input)}::json, ${contextJson(writeContextOf(meta))}, ${newId()},
          ${updatedAt}::timestamptz, ${metricsKeep})`,
        pipelineId,
      );
      return { ...input, pipelineId, updatedAt };
    },

    ...postgresHistoryQueries(connection, workspace),
    ...postgresMetricsHistory(connection, workspace),
    ...postgresChangeFeed(connection, workspace),
  };
}
