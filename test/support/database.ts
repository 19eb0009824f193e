import { env } from "cloudflare:workers";

/** Empties every table (storage is shared by the tests of one file); cascades clear the children. */
export async function resetDatabase(db: D1Database = env.DB) {
  await db.batch([db.prepare("DELETE FROM pipelines"), db.prepare("DELETE FROM archive_runs")]);
}
