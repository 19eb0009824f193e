import { newId } from "../../src/domain/ids";
import { sha256Hex } from "../../src/storage/shared/sha256";
import { onPostgres, sqlRows } from "./backend";

/** A key as they were made before keys named their id: `plk_` and 43 characters, found only by its hash (all such keys are the workspace default's). */
export async function oldFormatKey(scopes: string): Promise<{ id: string; key: string }> {
  const id = newId();
  const key = `plk_${crypto.randomUUID().replaceAll("-", "")}${"A".repeat(11)}`;
  const now = onPostgres ? new Date().toISOString() : Date.now();
  await sqlRows(
    "INSERT INTO api_keys (id, workspace, name, scopes, prefix, key_hash, created_at) VALUES (?, 'default', ?, ?, ?, ?, ?)",
    id,
    "old format",
    scopes,
    key.slice(0, 12),
    await sha256Hex(key),
    now,
  );
  return { id, key };
}
