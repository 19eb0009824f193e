import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  // The real migrations, applied to each test file's fresh D1 by test/support/apply-migrations.ts.
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-token" },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**"],
            setupFiles: ["./test/support/apply-migrations.ts"],
          },
        },
        {
          test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
        },
      ],
    },
  };
});
