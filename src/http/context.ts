import type { Context } from "hono";
import type { Scope } from "../domain/api-key";
import type { Actor, WriteContext } from "../domain/history";
import type { PipelineRepository } from "../domain/repository";
import type { Env } from "../env";

/** Who is calling: the admin token or an API key, with the scopes it carries. */
export interface Caller {
  /** Stable id of the credential ("admin" or the API key's id): idempotency keys are scoped to it. */
  id: string;
  scopes: readonly Scope[];
}

export interface AppVariables {
  requestId: string;
  repository: PipelineRepository;
  caller: Caller;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

/** The caller as history records it: the admin token has no id, an API key is named by its id. */
export const actorOf = (caller: Caller): Actor => (caller.id === "admin" ? { type: "admin", id: null } : { type: "apiKey", id: caller.id });

/** Who writes and for which request, for the revision and audit event of every change. */
export const writeContext = (c: Context<AppEnv>): WriteContext => ({ actor: actorOf(c.var.caller), requestId: c.var.requestId });
