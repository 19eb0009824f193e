import * as v from "valibot";
import { NewApiKeySchema, SCOPES } from "../../domain/api-key";
import { named } from "../openapi/named";
import { EXAMPLE, ResponseIdSchema, TimestampSchema } from "../shared/schemas";

/** The bodies of /v1/workspaces/{workspace}/api-keys, named for the document with their examples: the key itself appears only in the answer to its creation. */

export const NewApiKeyBody = named("NewApiKey", NewApiKeySchema, { name: "ci-reader", scopes: ["read"] });

const shown = {
  id: ResponseIdSchema,
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  prefix: v.pipe(v.string(), v.description("The key's first characters, to tell keys apart")),
  createdAt: TimestampSchema,
};
const apiKey = { id: EXAMPLE.apiKeyId, name: "ci-reader", scopes: ["read"], prefix: "plk_Xb3kP9qZ", createdAt: EXAMPLE.at } as const;

export const ApiKeySchema = named("ApiKey", v.object({ ...shown, revokedAt: v.nullable(TimestampSchema) }), { ...apiKey, revokedAt: null });

export const CreatedApiKeySchema = named(
  "CreatedApiKey",
  v.object({
    ...shown,
    key: v.pipe(v.string(), v.description("The key itself: shown here once, stored only as a SHA-256 hash")),
  }),
  { ...apiKey, key: "plk_Xb3kP9qZr7Lm2Nc8Vd4Wf6Yh1Jk5Tg0Ua3Sb9Qe2Rw4" },
);

export const ApiKeyListSchema = named("ApiKeyList", v.object({ data: v.array(ApiKeySchema) }), { data: [{ ...apiKey, revokedAt: null }] });
