import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";

// Runs drizzle-kit against a copy of migrations/: if the Drizzle schema and the migrations
// agree, a fresh `generate` has nothing to write.
const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "schema-drift-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BACKENDS = [
  { name: "D1", dialect: "sqlite", schema: "./src/storage/d1/schema.ts", folder: "migrations" },
  { name: "PostgreSQL", dialect: "postgresql", schema: "./src/storage/postgres/schema.ts", folder: "migrations-pg" },
];

it.each(BACKENDS)("the $name Drizzle schema and its migrations agree", ({ dialect, schema, folder }) => {
  cpSync(join(root, folder), join(work, folder), { recursive: true });
  const config = join(work, `${folder}.config.json`);
  // drizzle-kit wants paths relative to the working directory.
  writeFileSync(config, JSON.stringify({ dialect, schema, out: relative(root, join(work, folder)) }));
  const before = readdirSync(join(work, folder)).sort();
  const output = execFileSync(join(root, "node_modules/.bin/drizzle-kit"), ["generate", `--config=${config}`], {
    cwd: root,
    encoding: "utf8",
  });
  expect(readdirSync(join(work, folder)).sort()).toEqual(before);
  expect(output).toContain("No schema changes");
});

it("no migration switches foreign keys off (D1 ignores it, and a table rebuild would cascade deletes)", () => {
  for (const file of readdirSync(join(root, "migrations")).filter((f) => f.endsWith(".sql"))) {
    const sql = readFileSync(join(root, "migrations", file), "utf8");
    expect(sql, file).not.toMatch(/PRAGMA\s+foreign_keys\s*=\s*OFF/i);
    // drizzle-kit's table rebuild: CREATE `__new_x`, copy, DROP `x` (cascading), rename.
    expect(sql, file).not.toMatch(/__new_/);
  }
});
