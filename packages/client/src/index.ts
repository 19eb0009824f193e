import { PipelinesApi } from "./pipelines.js";
import { type ClientOptions, Transport } from "./transport.js";
import { WorkspacesApi } from "./workspaces.js";

export type { FieldError, ProblemDetails } from "./errors.js";
export { RegistryError } from "./errors.js";
export type { Page } from "./pages.js";
export { Pages } from "./pages.js";
export type { Conditional, CreateOptions, PageOptions } from "./pipelines.js";
export { PipelinesApi } from "./pipelines.js";
export type { RetryOptions } from "./retry.js";
export type { ClientOptions } from "./transport.js";
export type * from "./types.js";
export { WorkspacesApi } from "./workspaces.js";

/** A client of one registry, acting in one workspace. */
export interface RegistryClient {
  pipelines: PipelinesApi;
  workspaces: WorkspacesApi;
  /** The consistency token the next request sends (the last response's), to hand on to another client or process. */
  readonly consistencyToken: string | null;
}

export function createClient(options: ClientOptions): RegistryClient {
  const transport = new Transport(options);
  return {
    pipelines: new PipelinesApi(transport),
    workspaces: new WorkspacesApi(transport),
    get consistencyToken() {
      return transport.consistencyToken;
    },
  };
}
