// `npm run db:migrate:pg`: applies migrations-pg/ to the PostgreSQL at DATABASE_URL (the one a
// Hyperdrive configuration fronts); migrations already applied are skipped.
import { migratePostgres } from "./postgres.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL to the database's URL: DATABASE_URL=postgres://user:password@host:5432/registry npm run db:migrate:pg");
  process.exit(2);
}
await migratePostgres(url);
console.log("PostgreSQL migrations applied.");
