import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The write guard, a view defined in migrations/0001 (outside the drizzle-kit schema on
 * purpose). Inserting a non-NULL `reason` makes its INSTEAD OF trigger abort the batch.
 * D1 has no interactive transactions: this is how a batch refuses to go on after a
 * conditional statement that changed nothing.
 */
export const writeGuard = sqliteTable("write_guard", { reason: text("reason") });
