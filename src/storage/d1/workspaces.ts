import type { DeletionProgress, WorkspaceStore } from "../../domain/storage";
import { type Workspace, type WorkspaceWithCount, workspaceTaken } from "../../domain/workspace";
import { domainError } from "../shared/refusals";
import { type SQL, sql } from "../shared/sql";
import { pruneAllChangeEvents } from "./change-events";
import { INSERT_GUARD, reason } from "./guard";
import { prepare } from "./statement";
import { iso } from "./time";

interface Row {
  id: string;
  displayName: string;
  createdAt: number;
}

const COLUMNS = sql.raw("w.id, w.display_name AS displayName, w.created_at AS createdAt");
const toWorkspace = (row: Row): Workspace => ({ id: row.id, displayName: row.displayName, createdAt: iso(row.createdAt) });

/**
 * Pipelines one deletion step deletes, each with all it owns (by cascade) but its metrics
 * history, which can hold METRICS_KEEP rows a pipeline: that and the other tables go by
 * `DELETE_STEP_ROWS`, and a pipeline goes once its history is gone.
 */
export const DELETE_STEP_PIPELINES = 200;
export const DELETE_STEP_ROWS = 5000;

/** The tables whose rows carry their workspace, besides pipelines (whose children go with them). */
const OWNED = [
  "api_keys",
  "audit_events",
  "change_events",
  "change_feeds",
  "idempotency_keys",
  "archive_runs",
  "webhook_endpoints",
  "webhook_outbox",
  "webhook_deliveries",
] as const;

/** At most `limit` rows of `table` in `workspace`, deleted. */
const deleteSome = (table: string, workspace: string, limit: number) =>
  sql`DELETE FROM ${sql.raw(table)} WHERE rowid IN (SELECT rowid FROM ${sql.raw(table)} WHERE workspace = ${workspace} LIMIT ${limit})`;

const ownsNothing = (workspace: string): SQL =>
  sql.join(
    ["pipelines", ...OWNED].map((table) => sql`NOT EXISTS (SELECT 1 FROM ${sql.raw(table)} WHERE workspace = ${workspace})`),
    " AND ",
  );

/** The workspaces themselves, on D1: the operator's routes and the archive job. */
export function d1Workspaces(db: D1Database, stepPipelines = DELETE_STEP_PIPELINES, stepRows = DELETE_STEP_ROWS): WorkspaceStore {
  const run = async (statements: SQL[]) => {
    try {
      return await db.batch(statements.map((statement) => prepare(db, statement)));
    } catch (error) {
      throw domainError(error);
    }
  };

  return {
    async create(input, now) {
      const workspace: Workspace = { id: input.id, displayName: input.displayName ?? input.id, createdAt: now.toISOString() };
      try {
        // Its counter rows come with its first pipelines (migrations/0008).
        await prepare(
          db,
          sql`INSERT INTO workspaces (id, display_name, created_at, deleted_at) VALUES (${workspace.id}, ${workspace.displayName}, ${now.getTime()}, NULL)`,
        ).run();
      } catch (error) {
        if (String(error).includes("UNIQUE constraint failed: workspaces.id")) throw workspaceTaken();
        throw error;
      }
      return workspace;
    },

    async list({ limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const { results } = await prepare(
        db,
        sql`SELECT ${COLUMNS} FROM workspaces w WHERE w.deleted_at IS NULL ${from} ORDER BY w.id LIMIT ${limit + 1}`,
      ).all<Row>();
      const items = results.slice(0, limit).map(toWorkspace);
      return { items, next: results.length > limit ? (items.at(-1)?.id ?? null) : null };
    },

    async deleteStep(id, now): Promise<DeletionProgress> {
      const results = await run([
        sql`${INSERT_GUARD} SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM workspaces WHERE id = ${id}) THEN ${reason("workspace_missing")} END`,
        // Unreachable from the first step on: every call's check and every insert's trigger want deleted_at NULL.
        sql`UPDATE workspaces SET deleted_at = ${now.getTime()} WHERE id = ${id} AND deleted_at IS NULL`,
        sql`DELETE FROM metrics_history WHERE seq IN (SELECT h.seq FROM pipelines p JOIN metrics_history h ON h.pipeline_id = p.id
          WHERE p.workspace = ${id} LIMIT ${stepRows})`,
        sql`DELETE FROM pipelines WHERE rowid IN (SELECT p.rowid FROM pipelines p WHERE p.workspace = ${id}
          AND NOT EXISTS (SELECT 1 FROM metrics_history h WHERE h.pipeline_id = p.id) LIMIT ${stepPipelines})`,
        ...OWNED.map((table) => deleteSome(table, id, stepRows)),
        sql`DELETE FROM pipeline_counts WHERE workspace = ${id} AND ${ownsNothing(id)}`,
        sql`DELETE FROM workspaces WHERE id = ${id} AND ${ownsNothing(id)}`,
        sql`SELECT count(*) AS remaining FROM workspaces WHERE id = ${id}`,
      ]);
      const remaining = (results.at(-1)?.results[0] as { remaining: number } | undefined)?.remaining ?? 0;
      return remaining > 0 ? "more" : "deleted";
    },

    async unfinishedDeletions(limit) {
      const { results } = await prepare(
        db,
        sql`SELECT id FROM workspaces WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id LIMIT ${limit}`,
      ).all<{ id: string }>();
      return results.map((row) => row.id);
    },

    async withStalePipelines(cutoff, { limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const { results } = await prepare(
        db,
        sql`SELECT w.id FROM workspaces w WHERE w.deleted_at IS NULL ${from}
          AND EXISTS (SELECT 1 FROM pipelines p WHERE p.workspace = w.id AND p.archived = 0 AND p.updated_at < ${Date.parse(cutoff)})
          ORDER BY w.id LIMIT ${limit}`,
      ).all<{ id: string }>();
      return results.map((row) => row.id);
    },

    async withUnsentWebhooks(cutoff, { limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const { results } = await prepare(
        db,
        sql`SELECT w.id FROM workspaces w WHERE w.deleted_at IS NULL ${from}
          AND EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.workspace = w.id AND o.sent_at IS NULL AND o.created_at < ${cutoff.getTime()})
          ORDER BY w.id LIMIT ${limit}`,
      ).all<{ id: string }>();
      return results.map((row) => row.id);
    },

    async pruneAuditEvents(cutoff) {
      // Change events go with the audit log's retention, in the same batch.
      await run([sql`DELETE FROM audit_events WHERE at < ${Date.parse(cutoff)}`, ...pruneAllChangeEvents(Date.parse(cutoff))]);
    },
  };
}

/** A workspace's own row with its pipeline count (the caller's check has found it live). */
export async function d1DescribeWorkspace(db: D1Database, id: string): Promise<WorkspaceWithCount> {
  const row = await prepare(
    db,
    sql`SELECT ${COLUMNS}, (SELECT coalesce(sum(total), 0) FROM pipeline_counts c WHERE c.workspace = w.id) AS pipelineCount
      FROM workspaces w WHERE w.id = ${id} AND w.deleted_at IS NULL`,
  ).first<Row & { pipelineCount: number }>();
  if (!row) throw new Error("the workspace vanished after its check");
  return { ...toWorkspace(row), pipelineCount: row.pipelineCount };
}
