import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { readStorageSettings } from "../../src/settings";
import { backendName, resetDatabase } from "../support/backend";
import { expectConsistentDatabase } from "../support/invariants";
import { checkRegistryHistory } from "../support/linearizability/partition";
import { appWherePutSkipsIfMatch } from "../support/linearizability/planted-bug";
import { describeFailures } from "../support/linearizability/report";
import { clusterOfName, runWorkload, summarize, type WorkloadOptions } from "../support/linearizability/workload";
import { linearizabilityOperations, propertyParameters } from "../support/properties";

/**
 * Linearizability of the pipeline API under concurrent clients: histories of creates by
 * name, GET, PUT and PATCH with and without If-Match, archive, restore, rollback and delete on
 * a few contended names, each with its invocation, response and answer, checked against a
 * sequential model of the API (test/support/linearizability). Every answer must be explained
 * by one order of the operations that keeps their real-time order.
 *
 * Reads here go to the one database the tests have; in production a read without a
 * consistency token may land on a replica (docs/consistency.md), which this does not cover.
 *
 * `LIN_OPS=20000 npx vitest run test/reliability/linearizability.test.ts` runs longer;
 * FC_SEED changes the clients' choices.
 */

beforeEach(() => resetDatabase());

const OPERATIONS = linearizabilityOperations(1000);
const { seed } = propertyParameters(1);
const { revisionsKeep } = readStorageSettings(env);
const workload = (overrides: Partial<WorkloadOptions> = {}): WorkloadOptions => ({
  seed,
  clients: 8,
  operations: OPERATIONS,
  clusters: 3,
  namesPerCluster: 3,
  ...overrides,
});
const timeout = Math.max(60_000, OPERATIONS * 60);

describe(`linearizability on ${backendName}`, () => {
  it(
    `${OPERATIONS} operations of 8 concurrent clients on contended names are linearizable, and the database ends consistent`,
    async () => {
      const { history, anomalies } = await runWorkload(workload());
      expect(anomalies).toEqual([]);
      const verdicts = checkRegistryHistory(history, { clusterOf: clusterOfName, revisionsKeep });
      const failures = describeFailures(verdicts, history);
      expect(failures, `seed ${seed} (FC_SEED replays it)\n${failures}`).toBe("");
      // The run reached the interesting answers, not only 200s.
      const seen = summarize(history);
      for (const outcome of ["put 412", "patch 409", "create 409", "restore 409", "rollback 200", "delete 204", "get 404"]) {
        expect(
          history.some((op) => `${op.input.kind} ${op.output?.status}` === outcome),
          `${outcome} in ${seen}`,
        ).toBe(true);
      }
      await expectConsistentDatabase();
    },
    timeout,
  );

  it(
    "catches a planted bug: PUT that ignores its If-Match gives a history no order explains, reported as a small window",
    async () => {
      const { history } = await runWorkload(
        workload({ operations: 300, fetch: appWherePutSkipsIfMatch(), mix: { put: 40, get: 10, rollback: 2, delete: 1 } }),
      );
      const verdicts = checkRegistryHistory(history, { clusterOf: clusterOfName, revisionsKeep });
      const failures = describeFailures(verdicts, history);
      expect(failures).not.toBe("");
      // The window names the stale PUT: the one that cannot be placed, or one pending or overlapping it.
      expect(failures).toMatch(/PUT p\d+ .*If-Match "\d+" → (200|409)/);
      const windows = verdicts.flatMap((verdict) => (verdict.counterexample ? [verdict.counterexample.window.length] : []));
      expect(Math.min(...windows)).toBeLessThanOrEqual(8);
    },
    timeout,
  );
});
