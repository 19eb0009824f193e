import { Hono } from "hono";
import { NewApiKeySchema } from "../../domain/api-key";
import type { AppEnv } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { describe } from "../openapi/describe";
import { param } from "../openapi/parameters";
import { bodyErrors, empty, itemErrors, json, readErrors } from "../openapi/responses";
import * as handle from "./handlers";
import { ApiKeyListSchema, CreatedApiKeySchema } from "./schemas";

/** The contract of /v1/api-keys (admin only); handlers in handlers.ts. */

const tags = ["API keys"];

export const apiKeyRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describe({
      tags,
      operationId: "createApiKey",
      summary: "Create an API key",
      description:
        "The response is the only time the key is shown. Scopes: read (GET, HEAD), write (also pipeline and metrics writes), admin (everything).",
      responses: { 201: json("The key, with `key` shown once.", CreatedApiKeySchema), ...bodyErrors },
    }),
    requireScope("admin"),
    jsonBody(NewApiKeySchema),
    handle.create,
  )
  .get(
    "/",
    describe({
      tags,
      operationId: "listApiKeys",
      summary: "List API keys (never the key or its hash)",
      responses: { 200: json("Every key, newest first, revoked ones with `revokedAt`.", ApiKeyListSchema), ...readErrors },
    }),
    requireScope("admin"),
    handle.list,
  )
  .delete(
    "/:id",
    describe({
      tags,
      operationId: "revokeApiKey",
      summary: "Revoke an API key; it stops working at once (idempotent)",
      parameters: [param("id")],
      responses: { 204: empty("Revoked."), ...itemErrors },
    }),
    requireScope("admin"),
    handle.revoke,
  );
