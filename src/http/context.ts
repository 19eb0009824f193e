import type { Scope } from "../domain/api-key";
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
