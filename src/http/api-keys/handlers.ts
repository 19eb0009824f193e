import type { Context } from "hono";
import { NotFoundError } from "../../domain/errors";
import { isId } from "../../domain/ids";
import { type AppEnv, type WithBody, writeContext } from "../context";
import type { NewApiKeyBody } from "./schemas";

/** What the API key routes do; what they take and answer is in routes.ts. */

const apiKeyNotFound = (id: string) => new NotFoundError(`No API key has the id ${id}.`);

export async function create(c: WithBody<typeof NewApiKeyBody>) {
  const { apiKey, key } = await c.get("workspace").apiKeys.create(c.req.valid("json"), new Date(), writeContext(c));
  // A new key is not revoked, so the answer leaves `revokedAt` out and shows the key once.
  const { revokedAt: _, ...shown } = apiKey;
  return c.json({ ...shown, key }, 201);
}

export const list = async (c: Context<AppEnv>) => c.json({ data: await c.get("workspace").apiKeys.list() }, 200);

export async function revoke(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  if (!isId(id) || !(await c.get("workspace").apiKeys.revoke(id, new Date(), writeContext(c)))) throw apiKeyNotFound(id);
  return c.body(null, 204);
}
