import { defineConfig } from "drizzle-kit";

// `drizzle-kit generate` writes flat .sql files into migrations/, which wrangler applies.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/infrastructure/db/schema.ts",
  out: "./migrations",
});
