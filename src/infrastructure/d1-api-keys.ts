import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { ApiKey, Scope } from "../domain/api-key";
import type { ApiKeyStore } from "../domain/storage";
import { mintApiKey } from "./api-key-material";
import { recordEvent } from "./db/history-statements";
import { apiKeys } from "./db/schema";
import { iso, ms } from "./db/time";

type Row = typeof apiKeys.$inferSelect;

const toApiKey = (row: Row): ApiKey => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.split(" ") as Scope[],
  prefix: row.prefix,
  createdAt: iso(row.createdAt),
  revokedAt: row.revokedAt === null ? null : iso(row.revokedAt),
});

/** API keys on D1: each method one call (a batch for the writes, with their audit events). */
export function d1ApiKeys(d1: D1Database): ApiKeyStore {
  const db = drizzle(d1);
  return {
    async create(input, now, context) {
      const { apiKey, key, keyHash } = await mintApiKey(input, now);
      const row: Row = { ...apiKey, scopes: apiKey.scopes.join(" "), keyHash, createdAt: ms(apiKey.createdAt), revokedAt: null };
      const event = { action: "apiKey.created", resource: { type: "apiKey", id: row.id }, version: null, at: row.createdAt } as const;
      await db.batch([db.insert(apiKeys).values(row), recordEvent(db, event, context)]);
      return { apiKey, key };
    },

    async list() {
      const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return rows.map(toApiKey);
    },

    async revoke(id, now, context) {
      const event = { action: "apiKey.revoked", resource: { type: "apiKey", id }, version: null, at: now.getTime() } as const;
      const [, , found] = await db.batch([
        // Judged before the revocation, in the same batch: only a key still active gets the event.
        recordEvent(db, event, context, sql`EXISTS (SELECT 1 FROM api_keys WHERE id = ${id} AND revoked_at IS NULL)`),
        db
          .update(apiKeys)
          .set({ revokedAt: now.getTime() })
          .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))),
        db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id)),
      ]);
      return found.length > 0;
    },

    async findActive(keyHash) {
      const row = await db
        .select({ id: apiKeys.id, scopes: apiKeys.scopes })
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
        .get();
      return row ? { id: row.id, scopes: row.scopes.split(" ") as Scope[] } : null;
    },
  };
}
