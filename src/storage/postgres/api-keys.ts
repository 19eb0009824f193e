import type { ApiKey } from "../../domain/api-key";
import { newId } from "../../domain/ids";
import type { ApiKeyStore } from "../../domain/storage";
import { mintApiKey } from "../shared/api-key-material";
import { sql } from "../shared/sql";
import { contextJson } from "./arguments";
import type { PostgresConnection } from "./connection";

/** API keys on PostgreSQL: writes are functions of functions/api-keys.sql, reads one SELECT each. */

const API_KEY = sql`json_build_object('id', k.id, 'name', k.name, 'scopes', string_to_array(k.scopes, ' '), 'prefix', k.prefix,
  'createdAt', registry_time(k.created_at), 'revokedAt', registry_time(k.revoked_at))`;

export function postgresApiKeys(connection: PostgresConnection): ApiKeyStore {
  return {
    async create(input, now, context) {
      const { apiKey, key, keyHash } = await mintApiKey(input, now);
      const row = { ...apiKey, scopes: apiKey.scopes.join(" "), keyHash };
      await connection.value(sql`registry_create_api_key(${JSON.stringify(row)}::json, ${contextJson(context)}, ${newId()})`);
      return { apiKey, key };
    },

    async list() {
      const rows = await connection.rows<{ key: ApiKey }>(
        sql`SELECT ${API_KEY} AS key FROM api_keys k ORDER BY k.created_at DESC, k.id DESC`,
      );
      return rows.map((row) => row.key);
    },

    revoke: (id, now, context) =>
      connection.value<boolean>(
        sql`registry_revoke_api_key(${id}, ${now.toISOString()}::timestamptz, ${contextJson(context)}, ${newId()})`,
      ),

    async findActive(keyHash) {
      const [row] = await connection.rows<{ key: ApiKey }>(
        sql`SELECT ${API_KEY} AS key FROM api_keys k WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL`,
      );
      return row ? { id: row.key.id, scopes: row.key.scopes } : null;
    },
  };
}
