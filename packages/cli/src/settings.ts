import { createClient, type RegistryClient } from "@pipeline-registry/client";
import { CliError } from "./failure.js";
import type { Io } from "./io.js";

/** The options every command takes, each with its environment variable. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  workspace?: string;
  json?: boolean;
}

export interface Target {
  client: RegistryClient;
  url: string;
  workspace: string;
}

/** The registry a run talks to: the flags first, then PIPELINE_REGISTRY_URL, _TOKEN and _WORKSPACE. */
export function target(options: GlobalOptions, io: Io): Target {
  const url = options.url ?? io.env.PIPELINE_REGISTRY_URL;
  const token = options.token ?? io.env.PIPELINE_REGISTRY_TOKEN;
  const workspace = options.workspace ?? io.env.PIPELINE_REGISTRY_WORKSPACE ?? "default";
  if (!url) throw new CliError("no registry URL: give --url or set PIPELINE_REGISTRY_URL");
  if (!token) throw new CliError("no token: give --token or set PIPELINE_REGISTRY_TOKEN");
  const client = createClient({ url, token, workspace, ...(io.fetch ? { fetch: io.fetch } : {}) });
  return { client, url, workspace };
}
