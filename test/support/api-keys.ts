import { env } from "cloudflare:workers";
import { newId } from "../../src/domain/ids";
import { sha256Hex } from "../../src/infrastructure/sha256";

/** A key as they were made before keys named their id: `plk_` and 43 characters, found only by its hash. */
export async function oldFormatKey(scopes: string): Promise<{ id: string; key: string }> {
  const id = newId();
  const key = `plk_${crypto.randomUUID().replaceAll("-", "")}${"A".repeat(11)}`;
  await env.DB.prepare("INSERT INTO api_keys (id, name, scopes, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, "old format", scopes, key.slice(0, 12), await sha256Hex(key), Date.now())
    .run();
  return { id, key };
}
