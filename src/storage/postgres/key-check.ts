import { grantorsOf } from "../../domain/api-key";
import type { WorkspaceCheck } from "../shared/key-check";

/**
 * The workspace check of a PostgreSQL call: the argument of registry_check_workspace
 * (functions/key-check.sql), which heads every statement of a workspace's stores
 * (connection.ts), or null for a call of no workspace (the operator's, a ping). A write's
 * check locks the workspace's row and the key's until the commit.
 */
export const workspaceCheckArgument = (check: WorkspaceCheck | undefined): string | null =>
  check
    ? JSON.stringify({
        workspace: check.workspace,
        lock: check.mode === "write",
        ...(check.key && { key: { id: check.key.id, hash: check.key.hash, grantors: grantorsOf(check.key.scope) } }),
      })
    : null;
