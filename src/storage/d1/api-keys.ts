import type { ApiKey, Scope } from "../../domain/api-key";
import type { ApiKeyStore, FoundKey } from "../../domain/storage";
import { mintApiKey } from "../shared/api-key-material";
import { sql } from "../shared/sql";
import { recordEvent } from "./history-statements";
import { prepare } from "./statement";
import { iso, ms } from "./time";

interface Row {
  id: string;
  name: string;
  scopes: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

const COLUMNS = sql.raw("id, name, scopes, prefix, created_at AS createdAt, revoked_at AS revokedAt");

const toApiKey = (row: Row): ApiKey => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.split(" ") as Scope[],
  prefix: row.prefix,
  createdAt: iso(row.createdAt),
  revokedAt: row.revokedAt === null ? null : iso(row.revokedAt),
});

/** One workspace's API keys on D1: each method one call (a batch for the writes, with their audit events). */
export function d1ApiKeys(db: D1Database, workspace: string): ApiKeyStore {
  return {
    async create(input, now, context) {
      const { apiKey, key, keyHash } = await mintApiKey(workspace, input, now);
      const createdAt = ms(apiKey.createdAt);
      const event = { action: "apiKey.created", resource: { type: "apiKey", id: apiKey.id }, version: null, at: createdAt } as const;
      await db.batch([
        prepare(
          db,
          sql`INSERT INTO api_keys (id, workspace, name, scopes, prefix, key_hash, created_at, revoked_at)
            VALUES (${apiKey.id}, ${workspace}, ${apiKey.name}, ${apiKey.scopes.join(" ")}, ${apiKey.prefix}, ${keyHash}, ${createdAt}, NULL)`,
        ),
        prepare(db, recordEvent(workspace, event, context)),
      ]);
      return { apiKey, key };
    },

    async list() {
      const { results } = await prepare(
        db,
        sql`SELECT ${COLUMNS} FROM api_keys WHERE workspace = ${workspace} ORDER BY created_at DESC, id DESC`,
      ).all<Row>();
      return results.map(toApiKey);
    },

    async revoke(id, now, context) {
      const event = { action: "apiKey.revoked", resource: { type: "apiKey", id }, version: null, at: now.getTime() } as const;
      const own = sql`id = ${id} AND workspace = ${workspace}`;
      const [, , found] = await db.batch([
        // Judged before the revocation, in the same batch: only a key still active gets the event.
        prepare(db, recordEvent(workspace, event, context, sql`EXISTS (SELECT 1 FROM api_keys WHERE ${own} AND revoked_at IS NULL)`)),
        prepare(db, sql`UPDATE api_keys SET revoked_at = ${now.getTime()} WHERE ${own} AND revoked_at IS NULL`),
        prepare(db, sql`SELECT id FROM api_keys WHERE ${own}`),
      ]);
      return (found?.results.length ?? 0) > 0;
    },
  };
}

/** The active key with this hash, in whichever workspace (a key of the old format names no id). */
export async function d1FindKeyByHash(db: D1Database, keyHash: string): Promise<FoundKey | null> {
  const row = await prepare(
    db,
    sql`SELECT k.id, k.workspace, k.scopes FROM api_keys k JOIN workspaces w ON w.id = k.workspace AND w.deleted_at IS NULL
      WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`,
  ).first<{ id: string; workspace: string; scopes: string }>();
  return row ? { id: row.id, workspace: row.workspace, scopes: row.scopes.split(" ") as Scope[] } : null;
}
