import { writeObjectMigrations } from "../../../scripts/object-migrations.ts";

/**
 * Global set-up of the `workers-do` project: the migrations the workspaces' Durable Objects run
 * are bundled from migrations/ (scripts/object-migrations.ts), so they are written afresh before
 * the Worker is built, and a new migration file is tested without a step of its own.
 */
export default function setup() {
  writeObjectMigrations();
}
