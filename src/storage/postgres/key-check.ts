import { grantorsOf } from "../../domain/api-key";
import type { KeyCheck } from "../shared/key-check";

/**
 * The API key check of a PostgreSQL call: the argument of registry_check_key
 * (functions/key-check.sql), which heads every statement of a key's request (connection.ts),
 * or null for a request without a key. A write's check locks the key's row until the commit.
 */
export const keyCheckArgument = (key: KeyCheck | undefined): string | null =>
  key ? JSON.stringify({ id: key.id, hash: key.hash, grantors: grantorsOf(key.scope), lock: key.mode === "write" }) : null;
