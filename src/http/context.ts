import type { Context } from "hono";
import type * as v from "valibot";
import type { Scope } from "../domain/api-key";
import type { Actor, WriteContext } from "../domain/history";
import type { PipelineRepository } from "../domain/repository";
import type { WorkspaceStorage } from "../domain/storage";
import type { Env } from "../env";
import type { RequestStorage } from "../storage/open-storage";
import type { JsonInput } from "./middleware/json-body";

/** Who is calling: the operator's token (`ADMIN_TOKEN`) or an API key, with the scopes it carries. */
export interface Caller {
  /** Stable id of the credential ("admin" or the API key's id): idempotency keys are scoped to it. */
  id: string;
  scopes: readonly Scope[];
  /** The workspace an API key names (checked against its row in the request's own call); none for the operator, who acts in every one. */
  workspace?: string;
  /**
   * An API key: its hash, checked in every database call of the request
   * (src/storage/shared/key-check.ts); `verified` when a lookup has already found it
   * active (a key of the old format, identified by that lookup).
   */
  key?: { hash: string; verified: boolean };
}

/**
 * The request's variables. Read them with `c.get(name)`: Hono's `c.var` copies every variable
 * into a new object on each access, which the hot path pays for on every request.
 */
export interface AppVariables {
  requestId: string;
  /** Counts the request's database round trips, when the access log is on. */
  onDatabaseCall?: () => void;
  /** The client sent an `X-Consistency-Token` this deployment did not issue (refused after authorization). */
  foreignToken: boolean;
  /** The request's storage: its session (src/http/middleware/request-storage.ts). */
  store: RequestStorage;
  /** The path's workspace, for a route under /v1/workspaces/{workspace}. */
  workspaceId: string;
  /** Its stores, with the workspace and API key check in every call (src/http/middleware/auth.ts). */
  workspace: WorkspaceStorage;
  repository: PipelineRepository;
  caller: Caller;
}

/** GET and HEAD only read: they may be served by a replica, and an API key is checked by a SELECT rather than a guard. */
export const readsOnly = (c: Context<AppEnv>) => c.req.method === "GET" || c.req.method === "HEAD";

export type AppEnv = { Bindings: Env; Variables: AppVariables };

/**
 * A context whose JSON body the route's declared schema validated. Typed by the schema, in and
 * out, so the route keeps the request type that hono/client checks.
 */
export type WithBody<S extends v.GenericSchema> = Context<AppEnv, string, JsonInput<S>>;

/** The caller holds the operator's token. */
export const isOperator = (caller: Caller) => caller.workspace === undefined;

/** The caller as history records it: the admin token has no id, an API key is named by its id. */
export const actorOf = (caller: Caller): Actor => (caller.id === "admin" ? { type: "admin", id: null } : { type: "apiKey", id: caller.id });

/** Who writes and for which request, for the revision and audit event of every change. */
export const writeContext = (c: Context<AppEnv>): WriteContext => ({ actor: actorOf(c.get("caller")), requestId: c.get("requestId") });
