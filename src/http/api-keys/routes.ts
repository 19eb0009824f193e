import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { NewApiKeySchema, SCOPES } from "../../domain/api-key";
import { NotFoundError } from "../../domain/errors";
import { isId } from "../../domain/ids";
import { createApiKey, listApiKeys, revokeApiKey } from "../../infrastructure/d1-api-keys";
import { type AppEnv, writeContext } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { TimestampSchema, jsonResponse, problemResponses } from "../openapi";

const tags = ["API keys"];

const ApiKeySchema = v.object({
  id: v.string(),
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  prefix: v.pipe(v.string(), v.description("The key's first characters, to tell keys apart")),
  createdAt: TimestampSchema,
  revokedAt: v.nullable(TimestampSchema),
});
const CreatedApiKeySchema = v.object({
  ...ApiKeySchema.entries,
  key: v.pipe(v.string(), v.description("The key itself: shown here once, stored only as a SHA-256 hash")),
});

const apiKeyNotFound = (id: string) => new NotFoundError(`No API key has the id ${id}.`);

export const apiKeyRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describeRoute({
      tags,
      summary: "Create an API key",
      description: "The response is the only time the key is shown. Scopes: read (GET, HEAD), write (also pipeline and metrics writes), admin (everything).",
      responses: { 201: jsonResponse("The key, with `key` shown once.", CreatedApiKeySchema), ...problemResponses(400, 401, 403, 413, 415, 429) },
    }),
    requireScope("admin"),
    jsonBody(NewApiKeySchema),
    async (c) => {
      const { apiKey, key } = await createApiKey(c.var.db, c.req.valid("json"), new Date(), writeContext(c));
      const { revokedAt: _, ...shown } = apiKey;
      return c.json({ ...shown, key }, 201);
    },
  )
  .get(
    "/",
    describeRoute({
      tags,
      summary: "List API keys (never the key or its hash)",
      responses: { 200: jsonResponse("Every key, newest first, revoked ones with `revokedAt`.", v.object({ data: v.array(ApiKeySchema) })), ...problemResponses(401, 403, 429) },
    }),
    requireScope("admin"),
    async (c) => c.json({ data: await listApiKeys(c.var.db) }, 200),
  )
  .delete(
    "/:id",
    describeRoute({
      tags,
      summary: "Revoke an API key; it stops working at once (idempotent)",
      responses: { 204: { description: "Revoked." }, ...problemResponses(401, 403, 404, 429) },
    }),
    requireScope("admin"),
    async (c) => {
      const id = c.req.param("id");
      if (!isId(id) || !(await revokeApiKey(c.var.db, id, new Date(), writeContext(c)))) throw apiKeyNotFound(id);
      return c.body(null, 204);
    },
  );
