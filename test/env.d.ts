import type { D1Migration } from "@cloudflare/vitest-plugin";
import type { Env as WorkerEnv } from "../src/env";

declare module "vitest" {
  /** The webhook receiver's base URL (test/node/support/webhook-receiver.ts). */
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      SMALL_RATE_LIMITER: RateLimit;
      SMALL_AUTH_FAILURE_LIMITER: RateLimit;
      /** Empty D1 for test/reliability/migrations.test.ts (vitest.config.ts). */
      MIGRATIONS_DB: D1Database;
      /** Empty D1s the lagging-replica harness makes read replicas of (test/support/lagging-replica.ts). */
      REPLICA_1: D1Database;
      REPLICA_2: D1Database;
      /** Property-test knobs from the environment of `vitest run`; "" when unset. */
      FC_NUM_RUNS: string;
      FC_SEED: string;
      /** Operations of a linearizability run; "" when unset. */
      LIN_OPS: string;
      /** How many writes the simulated D1 replicas may lag (test/reliability/replica-lag.test.ts); "" when unset. */
      LAG_STEPS: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
