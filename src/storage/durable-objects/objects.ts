import { objectDatabase } from "./object-database";
import type { WorkspaceObject } from "./workspace-object";

/** What a request sees of its calls to objects: each one counted, and the position of the last. */
export interface ObjectCallHooks {
  /** Called once per call to an object (the access log counts database round trips with it). */
  onCall?: () => void;
  /** The workspace and position an answered call left the object at, or undefined for a call that failed. */
  onAnswer?: (answer: { workspace: string; position: string } | undefined) => void;
}

/** The workspaces' objects as the Worker reaches them: by name, one RPC call per round trip. */
export interface WorkspaceObjects {
  /** The workspace's object behind the surface of a D1 binding (./object-database.ts). */
  database(workspace: string): D1Database;
  /** Makes the workspace unreachable, then deletes all its object stores. */
  destroy(workspace: string): Promise<void>;
}

export function workspaceObjects(binding: DurableObjectNamespace, hooks: ObjectCallHooks = {}): WorkspaceObjects {
  // The binding's class is WorkspaceObject (src/index.ts exports it; wrangler binds it by name).
  const namespace = binding as unknown as DurableObjectNamespace<WorkspaceObject>;
  const follow = async <T>(workspace: string, call: () => Promise<T>, position: (result: T) => string | undefined): Promise<T> => {
    hooks.onCall?.();
    try {
      const result = await call();
      const at = position(result);
      if (at !== undefined) hooks.onAnswer?.({ workspace, position: at });
      return result;
    } catch (error) {
      hooks.onAnswer?.(undefined);
      throw error;
    }
  };
  return {
    database: (workspace) =>
      objectDatabase((statements) =>
        follow(
          workspace,
          async () => {
            const answer = await namespace.getByName(workspace).batch(workspace, statements);
            // The statement's own message, as D1 throws it, so one parser reads both (shared/refusals.ts).
            if ("failed" in answer) throw new Error(answer.failed);
            return answer;
          },
          (answer) => answer.position,
        ),
      ),
    destroy: (workspace) =>
      follow(
        workspace,
        () => namespace.getByName(workspace).destroy(workspace),
        () => undefined,
      ),
  };
}
