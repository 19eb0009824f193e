import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type ApiKey, KEY_PREFIX, type NewApiKey, type Scope, scopesDigit } from "../domain/api-key";
import { INTERNAL_WRITE, type WriteContext } from "../domain/history";
import { newId } from "../domain/ids";
import { recordEvent } from "./db/history-statements";
import { apiKeys } from "./db/schema";
import { iso } from "./db/time";
import { sha256Hex } from "./sha256";

/** `plk_<id><scopes>` and 32 random bytes (256 bits, base64url): the format `parseKey` reads. */
function generateKey(id: string, scopes: readonly Scope[]): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `${KEY_PREFIX}${id}${scopesDigit(scopes)}${secret}`;
}

/** Keys are stored and looked up only by their SHA-256. */
export const hashKey = sha256Hex;

/** `plk_` and the id: tells keys apart and shows none of the secret. */
const PREFIX_LENGTH = KEY_PREFIX.length + 26;

type Row = typeof apiKeys.$inferSelect;

const toApiKey = (row: Row): ApiKey => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.split(" ") as Scope[],
  prefix: row.prefix,
  createdAt: iso(row.createdAt),
  revokedAt: row.revokedAt === null ? null : iso(row.revokedAt),
});

/** Creates a key (with its audit event); the plain key is returned here only and never stored. */
export async function createApiKey(d1: D1Database, input: NewApiKey, now = new Date(), context: WriteContext = INTERNAL_WRITE) {
  const id = newId();
  const key = generateKey(id, input.scopes);
  const row: Row = {
    id,
    name: input.name,
    scopes: input.scopes.join(" "),
    prefix: key.slice(0, PREFIX_LENGTH),
    keyHash: await hashKey(key),
    createdAt: now.getTime(),
    revokedAt: null,
  };
  const db = drizzle(d1);
  const event = { action: "apiKey.created", resource: { type: "apiKey", id: row.id }, version: null, at: row.createdAt } as const;
  await db.batch([db.insert(apiKeys).values(row), recordEvent(db, event, context)]);
  return { apiKey: toApiKey(row), key };
}

export async function listApiKeys(d1: D1Database): Promise<ApiKey[]> {
  const rows = await drizzle(d1).select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(toApiKey);
}

/** Revokes at once (idempotent: only the first revocation is an audit event); false for an unknown id. */
export async function revokeApiKey(d1: D1Database, id: string, now = new Date(), context: WriteContext = INTERNAL_WRITE): Promise<boolean> {
  const db = drizzle(d1);
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
}

/** The active key with this hash (one indexed lookup), or null: how a key of the old format (no id in it) is identified. */
export async function findActiveApiKey(d1: D1Database, keyHash: string): Promise<Pick<ApiKey, "id" | "scopes"> | null> {
  const row = await drizzle(d1)
    .select({ id: apiKeys.id, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
  return row ? { id: row.id, scopes: row.scopes.split(" ") as Scope[] } : null;
}
