import { defineConfig } from "drizzle-kit";

// The PostgreSQL schema's migrations (`npm run db:generate:pg`), applied by scripts/postgres.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/storage/postgres/schema.ts",
  out: "./migrations-pg",
});
