import { env } from "cloudflare:workers";

/**
 * Run count and seed of the property-based tests (test/reliability). Fixed by default, so a
 * plain `npm test` is deterministic; for a longer or different search set the environment of
 * the `vitest run` process:
 *
 *   FC_NUM_RUNS=2000 FC_SEED=7 npx vitest run test/reliability
 *
 * vitest.config.ts hands both to workerd as bindings (`env.FC_NUM_RUNS`, `env.FC_SEED`); the
 * Worker's `process.env` does not see the shell's variables. FC_NUM_RUNS replaces the run
 * count of every property; a failing run prints its seed and path to replay it.
 */
export const DEFAULT_SEED = 20261126;

function integerKnob(name: "FC_NUM_RUNS" | "FC_SEED" | "LIN_OPS" | "LAG_STEPS", value: string, min: number): number | undefined {
  if (value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min)
    throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
  return parsed;
}

export function propertyParameters(defaultRuns: number): { numRuns: number; seed: number } {
  return {
    numRuns: integerKnob("FC_NUM_RUNS", env.FC_NUM_RUNS, 1) ?? defaultRuns,
    seed: integerKnob("FC_SEED", env.FC_SEED, -(2 ** 31)) ?? DEFAULT_SEED,
  };
}

/** A time limit for a test that runs a property, growing with the run count. */
export const propertyTimeout = (defaultRuns: number, msPerRun: number, floor = 30_000) =>
  Math.max(floor, propertyParameters(defaultRuns).numRuns * msPerRun * 3);

/** Operations of a linearizability run: LIN_OPS, or the default (a run of a few seconds). */
export const linearizabilityOperations = (defaultOperations: number): number => integerKnob("LIN_OPS", env.LIN_OPS, 1) ?? defaultOperations;

/** How many writes the simulated D1 replicas lag (test/reliability/replica-lag.test.ts): LAG_STEPS, or the default. */
export const lagSteps = (defaultSteps: number): number => integerKnob("LAG_STEPS", env.LAG_STEPS, 1) ?? defaultSteps;
