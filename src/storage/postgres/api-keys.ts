import type { ApiKey, Scope } from "../../domain/api-key";
import { newId } from "../../domain/ids";
import type { ApiKeyStore, FoundKey } from "../../domain/storage";
import { mintApiKey } from "../shared/api-key-material";
import { sql } from "../shared/sql";
import { contextJson } from "./arguments";
import type { PostgresCalls } from "./connection";

/** API keys on PostgreSQL: writes are functions of functions/api-keys.sql, reads one SELECT each. */

const API_KEY = sql`json_build_object('id', k.id, 'name', k.name, 'scopes', string_to_array(k.scopes, ' '), 'prefix', k.prefix,
  'createdAt', registry_time(k.created_at), 'revokedAt', registry_time(k.revoked_at))`;

/** One workspace's API keys on PostgreSQL. */
export function postgresApiKeys(connection: PostgresCalls, workspace: string): ApiKeyStore {
  return {
    async create(input, now, context) {
      const { apiKey, key, keyHash } = await mintApiKey(workspace, input, now);
      const row = { ...apiKey, scopes: apiKey.scopes.join(" "), keyHash };
      await connection.value(sql`registry_create_api_key(${workspace}, ${JSON.stringify(row)}::json, ${contextJson(context)}, ${newId()})`);
      return { apiKey, key };
    },

    async list() {
      const rows = await connection.rows<{ key: ApiKey }>(
        sql`SELECT ${API_KEY} AS key FROM api_keys k WHERE k.workspace = ${workspace} ORDER BY k.created_at DESC, k.id DESC`,
      );
      return rows.map((row) => row.key);
    },

    revoke: (id, now, context) =>
      connection.value<boolean>(
        sql`registry_revoke_api_key(${workspace}, ${id}, ${now.toISOString()}::timestamptz, ${contextJson(context)}, ${newId()})`,
      ),
  };
}

/** The active key with this hash, in whichever live workspace (a key of the old format names no id). */
export async function postgresFindKeyByHash(connection: PostgresCalls, keyHash: string): Promise<FoundKey | null> {
  const [row] = await connection.rows<{ id: string; workspace: string; scopes: Scope[] }>(
    sql`SELECT k.id, k.workspace, string_to_array(k.scopes, ' ') AS scopes
      FROM api_keys k JOIN workspaces w ON w.id = k.workspace AND w.deleted_at IS NULL
      WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`,
  );
  return row ? { id: row.id, workspace: row.workspace, scopes: row.scopes } : null;
}
