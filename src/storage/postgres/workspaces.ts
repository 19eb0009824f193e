import type { DeletionProgress, WorkspaceStore } from "../../domain/storage";
import { type Workspace, type WorkspaceWithCount, workspaceTaken } from "../../domain/workspace";
import { sql } from "../shared/sql";
import type { PostgresCalls } from "./connection";

/** The workspaces themselves on PostgreSQL: writes are functions of functions/workspaces.sql, reads one SELECT each. */

const WORKSPACE = sql`json_build_object('id', w.id, 'displayName', w.display_name, 'createdAt', registry_time(w.created_at))`;

/** Pipelines and rows one deletion step deletes, as on D1 (`src/storage/d1/workspaces.ts`): the metrics history goes by rows. */
export const DELETE_STEP_PIPELINES = 200;
const DELETE_STEP_ROWS = 5000;

/** The workspaces themselves, on PostgreSQL: the operator's routes and the archive job. */
export function postgresWorkspaces(
  connection: PostgresCalls,
  stepPipelines = DELETE_STEP_PIPELINES,
  stepRows = DELETE_STEP_ROWS,
): WorkspaceStore {
  return {
    async create(input, now) {
      const workspace: Workspace = { id: input.id, displayName: input.displayName ?? input.id, createdAt: now.toISOString() };
      const created = await connection.value<boolean>(
        sql`registry_create_workspace(${workspace.id}, ${workspace.displayName}, ${workspace.createdAt}::timestamptz)`,
      );
      if (!created) throw workspaceTaken();
      return workspace;
    },

    async list({ limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const rows = await connection.rows<{ workspace: Workspace }>(
        sql`SELECT ${WORKSPACE} AS workspace FROM workspaces w WHERE w.deleted_at IS NULL ${from} ORDER BY w.id LIMIT ${limit + 1}`,
      );
      const items = rows.slice(0, limit).map((row) => row.workspace);
      return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },

    deleteStep: (id, now) =>
      connection.value<DeletionProgress>(
        sql`to_json(registry_delete_workspace_step(${id}, ${now.toISOString()}::timestamptz, ${stepPipelines}, ${stepRows}))`,
      ),

    async unfinishedDeletions(limit) {
      const rows = await connection.rows<{ id: string }>(
        sql`SELECT id FROM workspaces WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id LIMIT ${limit}`,
      );
      return rows.map((row) => row.id);
    },

    async withStalePipelines(cutoff, { limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const rows = await connection.rows<{ id: string }>(
        sql`SELECT w.id FROM workspaces w WHERE w.deleted_at IS NULL ${from}
          AND EXISTS (SELECT 1 FROM pipelines p WHERE p.workspace = w.id AND NOT p.archived AND p.updated_at < ${cutoff}::timestamptz)
          ORDER BY w.id LIMIT ${limit}`,
      );
      return rows.map((row) => row.id);
    },

    async withUnsentWebhooks(cutoff, { limit, after }) {
      const from = after === undefined ? sql`` : sql`AND w.id > ${after}`;
      const rows = await connection.rows<{ id: string }>(
        sql`SELECT w.id FROM workspaces w WHERE w.deleted_at IS NULL ${from}
          AND EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.workspace = w.id AND o.sent_at IS NULL AND o.created_at < ${cutoff.toISOString()}::timestamptz)
          ORDER BY w.id LIMIT ${limit}`,
      );
      return rows.map((row) => row.id);
    },

    async pruneAuditEvents(cutoff) {
      await connection.value(sql`registry_prune_audit_events(${cutoff}::timestamptz)`);
    },
  };
}

/** A workspace's own row with its pipeline count (the caller's check has found it live). */
export async function postgresDescribeWorkspace(connection: PostgresCalls, id: string): Promise<WorkspaceWithCount> {
  const [row] = await connection.rows<{ workspace: WorkspaceWithCount }>(
    sql`SELECT json_build_object('id', w.id, 'displayName', w.display_name, 'createdAt', registry_time(w.created_at),
        'pipelineCount', (SELECT coalesce(sum(total), 0)::bigint FROM pipeline_counts c WHERE c.workspace = w.id)) AS workspace
      FROM workspaces w WHERE w.id = ${id} AND w.deleted_at IS NULL`,
  );
  if (!row) throw new Error("the workspace vanished after its check");
  return row.workspace;
}
