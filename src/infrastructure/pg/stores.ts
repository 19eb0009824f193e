import type { ApiKey } from "../../domain/api-key";
import { ARCHIVE_RUNS_LIMIT, type ArchiveRun } from "../../domain/archive-run";
import { newId } from "../../domain/ids";
import type { ApiKeyStore, ArchiveRunStore } from "../../domain/storage";
import { mintApiKey } from "../api-key-material";
import { sql } from "../sql";
import { contextJson, eventIds } from "./arguments";
import type { PgConnection } from "./connection";

/** API keys and archive runs on PostgreSQL: writes are functions of migrations-pg/0001, reads one SELECT each. */

const API_KEY = sql`json_build_object('id', k.id, 'name', k.name, 'scopes', string_to_array(k.scopes, ' '), 'prefix', k.prefix,
  'createdAt', registry_time(k.created_at), 'revokedAt', registry_time(k.revoked_at))`;

export function pgApiKeys(connection: PgConnection): ApiKeyStore {
  return {
    async create(input, now, context) {
      const { apiKey, key, keyHash } = await mintApiKey(input, now);
      const row = { ...apiKey, scopes: apiKey.scopes.join(" "), keyHash };
      await connection.value(sql`registry_create_api_key(${JSON.stringify(row)}::json, ${contextJson(context)}, ${newId()})`);
      return { apiKey, key };
    },

    async list() {
      const rows = await connection.rows<{ key: ApiKey }>(
        sql`SELECT ${API_KEY} AS key FROM api_keys k ORDER BY k.created_at DESC, k.id DESC`,
      );
      return rows.map((row) => row.key);
    },

    revoke: (id, now, context) =>
      connection.value<boolean>(
        sql`registry_revoke_api_key(${id}, ${now.toISOString()}::timestamptz, ${contextJson(context)}, ${newId()})`,
      ),

    async findActive(keyHash) {
      const [row] = await connection.rows<{ key: ApiKey }>(
        sql`SELECT ${API_KEY} AS key FROM api_keys k WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`,
      );
      return row ? { id: row.key.id, scopes: row.key.scopes } : null;
    },
  };
}

const RUN = sql`json_build_object('id', r.id, 'trigger', r.trigger, 'cutoff', registry_time(r.cutoff),
  'archivedCount', r.archived_count, 'status', r.status, 'startedAt', registry_time(r.started_at),
  'finishedAt', registry_time(r.finished_at), 'error', r.error)`;

export function pgArchiveRuns(connection: PgConnection): ArchiveRunStore {
  return {
    async archiveStale(run, batch) {
      const archivedCount = await connection.value<number>(
        sql`registry_archive_stale(${JSON.stringify(run)}::json, ${batch.batchSize}, ${batch.revisionsKeep}, ${contextJson(batch.context)},
          ${eventIds(batch.batchSize)}, ${newId()}, ${batch.auditCutoff}::timestamptz)`,
      );
      const { id, trigger, cutoff, startedAt, finishedAt } = run;
      // The members in the order D1's record has them.
      return { id, trigger, cutoff, archivedCount, status: "succeeded", startedAt, finishedAt };
    },

    async record(run, context) {
      await connection.value(sql`registry_record_archive_run(${JSON.stringify(run)}::json, ${contextJson(context)}, ${newId()})`);
    },

    async list(limit = ARCHIVE_RUNS_LIMIT.default) {
      const bounded = Math.min(Math.max(Math.trunc(limit), 1), ARCHIVE_RUNS_LIMIT.max);
      const rows = await connection.rows<{ run: ArchiveRun & { error: string | null } }>(
        sql`SELECT ${RUN} AS run FROM archive_runs r ORDER BY r.started_at DESC, r.id DESC LIMIT ${bounded}`,
      );
      // The member is absent, not null, on a run that did not fail (as on D1).
      return rows.map(({ run: { error, ...run } }) => (error === null ? run : { ...run, error }));
    },
  };
}
