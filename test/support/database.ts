import { env } from "cloudflare:workers";

/**
 * Empties every table that holds data (storage is shared by the tests of one file); cascades
 * clear the children, and the triggers bring pipeline_counts back to zero.
 */
export async function resetDatabase(db: D1Database = env.DB) {
  await db.batch(
    ["pipelines", "archive_runs", "idempotency_keys", "api_keys", "audit_events"].map((table) => db.prepare(`DELETE FROM ${table}`)),
  );
}
