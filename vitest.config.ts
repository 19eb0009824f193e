import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The plugin's options as an object (it also takes a function returning them). */
type WorkersPoolOptions = Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>;

export default defineConfig(async () => {
  // Wrangler's notices (a line per test file when a .dev.vars exists) are not test output.
  process.env.WRANGLER_LOG ??= "warn";
  // The real migrations, applied to each test file's fresh D1 by test/support/apply-migrations.ts.
  const migrations = await readD1Migrations("./migrations");
  // Knobs of the property-based tests (test/support/properties.ts): `FC_NUM_RUNS=2000 FC_SEED=42
  // npx vitest run test/reliability` reaches workerd as bindings; unset, the tests use fixed defaults.
  // LIN_OPS sets the operations of a linearizability run (test/reliability/linearizability.test.ts),
  // LAG_STEPS how many writes the simulated D1 replicas lag (test/reliability/replica-lag.test.ts).
  const propertyKnobs = {
    FC_NUM_RUNS: process.env.FC_NUM_RUNS ?? "",
    FC_SEED: process.env.FC_SEED ?? "",
    LIN_OPS: process.env.LIN_OPS ?? "",
    LAG_STEPS: process.env.LAG_STEPS ?? "",
  };
  /** The Worker as wrangler.toml describes it, with the test bindings; `miniflare` adds Miniflare options. */
  const workersPool = (
    miniflare: Pick<NonNullable<WorkersPoolOptions["miniflare"]>, "hyperdrives" | "durableObjects"> = {},
  ): WorkersPoolOptions => ({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      // No access log line per request: test/http/access-log.test.ts turns it on where it checks it.
      // Miniflare's rate limiters count in windows aligned to the epoch (src/http/middleware/rate-limit.ts).
      bindings: {
        TEST_MIGRATIONS: migrations,
        ADMIN_TOKEN: "test-admin-token",
        ACCESS_LOG: "off",
        RATE_LIMIT_WINDOWS: "epoch",
        // Webhook tests deliver to a real server on 127.0.0.1 (test/node/support/webhook-receiver.ts).
        WEBHOOK_ALLOW_LOOPBACK: "true",
        ...propertyKnobs,
      },
      // Empty D1s besides wrangler.toml's DB: the migration test applies the migrations one at a
      // time to MIGRATIONS_DB; the replica-lag test makes lagging read replicas of the REPLICA_s.
      d1Databases: ["MIGRATIONS_DB", "REPLICA_1", "REPLICA_2"],
      ratelimits: {
        // The suite sends far more than wrangler.toml's 600 a minute with one token;
        // test/http/security.test.ts checks the 429 path with the small one.
        RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
        SMALL_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 3, period: 60 } },
        // Likewise for 401s per address; test/http/auth-throttle.test.ts uses the small one.
        AUTH_FAILURE_LIMITER: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
        SMALL_AUTH_FAILURE_LIMITER: { namespace_id: "1004", simple: { limit: 3, period: 60 } },
      },
      ...miniflare,
    },
  });
  return {
    test: {
      projects: [
        {
          plugins: [cloudflareTest(workersPool())],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**", "test/pg/**", "test/do/**"],
            setupFiles: ["./test/support/apply-migrations.ts"],
            globalSetup: ["./test/node/support/docs-assets.ts", "./test/node/support/webhook-receiver.ts"],
          },
        },
        {
          // The same Worker with a HYPERDRIVE binding, so it serves from PostgreSQL. The server is
          // started by the project's global set-up, and its URL is known only then: the plugin
          // reads these options when the project's first test file starts.
          plugins: [cloudflareTest(({ inject }) => workersPool({ hyperdrives: { HYPERDRIVE: inject<string>("postgresUrl") } }))],
          test: {
            name: "workers-pg",
            // The suites that hold for every backend, and PostgreSQL's own (test/pg). D1's own
            // (sessions, batches, fault injection, migrations) stay in the workers project.
            include: [
              "test/pg/**/*.test.ts",
              "test/repository-contract.test.ts",
              "test/http/**/*.test.ts",
              "test/reliability/{model-based,concurrency,http-fuzz,data-edges,linearizability}*.test.ts",
            ],
            exclude: ["test/http/consistency.test.ts", "test/http/consistency-tokens.test.ts"],
            globalSetup: [
              "./test/node/support/docs-assets.ts",
              "./test/node/support/postgres.ts",
              "./test/node/support/webhook-receiver.ts",
            ],
            // One database for the whole project, which each file resets: one file at a time.
            fileParallelism: false,
            // Locally every request opens its own PostgreSQL connection (a new server process that
            // compiles the functions it calls; Hyperdrive keeps them warm in production): slower.
            testTimeout: 30_000,
          },
        },
        {
          // The same Worker with a WORKSPACES binding, so each workspace is served from its own
          // Durable Object (SQLite storage) and the D1 database holds the directory alone.
          plugins: [cloudflareTest(workersPool({ durableObjects: { WORKSPACES: { className: "WorkspaceObject", useSQLite: true } } }))],
          test: {
            name: "workers-do",
            // The suites that hold for every backend, and the Durable Objects' own (test/do).
            include: [
              "test/do/**/*.test.ts",
              "test/repository-contract.test.ts",
              "test/http/**/*.test.ts",
              "test/reliability/{model-based,concurrency,http-fuzz,data-edges,linearizability}*.test.ts",
            ],
            exclude: ["test/http/consistency.test.ts", "test/http/consistency-tokens.test.ts"],
            setupFiles: ["./test/support/apply-migrations.ts"],
            // The objects' bundled migrations are written from migrations/ first.
            globalSetup: [
              "./test/node/support/docs-assets.ts",
              "./test/node/support/object-migrations.ts",
              "./test/node/support/webhook-receiver.ts",
            ],
          },
        },
        {
          // The command's tests run its sources over the client's sources, not over a build of them.
          resolve: { alias: { "@pipeline-registry/client": new URL("./packages/client/src/index.ts", import.meta.url).pathname } },
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            // The Worker under wrangler dev, for the browser, OpenAPI tooling and client tests.
            globalSetup: ["./test/node/support/worker.ts"],
          },
        },
      ],
    },
  };
});
