import * as v from "valibot";
import { SCOPES } from "../../domain/api-key";
import { ResponseIdSchema as Id, TimestampSchema } from "../openapi/primitives";

/** Response shapes of /v1/api-keys: the key itself appears only in the answer to its creation. */

const shown = {
  id: Id,
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  prefix: v.pipe(v.string(), v.description("The key's first characters, to tell keys apart")),
  createdAt: TimestampSchema,
};

export const ApiKeySchema = v.object({ ...shown, revokedAt: v.nullable(TimestampSchema) });

export const CreatedApiKeySchema = v.object({
  ...shown,
  key: v.pipe(v.string(), v.description("The key itself: shown here once, stored only as a SHA-256 hash")),
});

export const ApiKeyListSchema = v.object({ data: v.array(ApiKeySchema) });
