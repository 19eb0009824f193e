import type { Pipeline, RegistryClient } from "@pipeline-registry/client";
import { CliError } from "./failure.js";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/**
 * The pipeline a `<name|id>` argument names: an id as it is; a name, the active pipeline of that
 * name, else the one archived pipeline of it (`preferArchived` looks there first, for restore).
 * Several archived pipelines of one name need an id.
 */
export async function resolvePipeline(client: RegistryClient, ref: string, preferArchived = false): Promise<Pipeline> {
  if (ULID.test(ref)) return client.pipelines.get(ref.toUpperCase());
  const named = async (archived: "true" | "false") => client.pipelines.list({ name: ref, archived, limit: 100 }).all();
  const order = preferArchived ? (["true", "false"] as const) : (["false", "true"] as const);
  for (const archived of order) {
    const found = await named(archived);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) {
      throw new CliError(
        `several archived pipelines are named "${ref}": give one of their ids`,
        found.map((p) => `  ${p.id} (version ${p.version}, updated ${p.updatedAt})`),
      );
    }
  }
  throw new CliError(`no pipeline is named "${ref}"`);
}
