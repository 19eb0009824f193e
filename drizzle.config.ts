import { defineConfig } from "drizzle-kit";

// `drizzle-kit generate` writes flat .sql files into migrations/, which wrangler applies.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/d1/schema.ts",
  out: "./migrations",
});
