import { param } from "../openapi/parameters";
import { bodyErrors, empty, itemErrors, json, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import { ApiKeyListSchema, CreatedApiKeySchema, NewApiKeyBody } from "./schemas";

/** /v1/workspaces/{workspace}/api-keys (admin only): each route's operation, scope, body, responses and handler (handlers.ts). */

const tags = ["API keys"];

export const apiKeyRoutes = resource(
  route({
    method: "post",
    path: "/",
    operation: {
      tags,
      operationId: "createApiKey",
      summary: "Create an API key",
      description:
        "The response is the only time the key is shown. Scopes: read (GET, HEAD), write (also pipeline and metrics writes), admin (everything).",
    },
    scope: "admin",
    body: { schema: NewApiKeyBody },
    responses: { 201: json("The key, with `key` shown once.", CreatedApiKeySchema), ...bodyErrors },
    handler: handle.create,
  }),
  route({
    method: "get",
    path: "/",
    operation: { tags, operationId: "listApiKeys", summary: "List API keys (never the key or its hash)" },
    scope: "admin",
    responses: { 200: json("Every key, newest first, revoked ones with `revokedAt`.", ApiKeyListSchema), ...readErrors },
    handler: handle.list,
  }),
  route({
    method: "delete",
    path: "/:id",
    operation: {
      tags,
      operationId: "revokeApiKey",
      summary: "Revoke an API key; it stops working at once (idempotent)",
      parameters: [param("id")],
    },
    scope: "admin",
    responses: { 204: empty("Revoked."), ...itemErrors },
    handler: handle.revoke,
  }),
);
