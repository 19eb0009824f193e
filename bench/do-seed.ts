import type { BatchAnswer, SentStatement, SqlValue } from "../src/storage/durable-objects/protocol.ts";
import { type D1, removeBenchPipelines, seedPipelines } from "./seed.ts";
import type { Namespace } from "./workers.ts";

/**
 * D1's data set in a workspace's Durable Object: the same SQL as bench/seed.ts, sent from Node
 * through the object's own RPC call (`batch`, one transaction per call), as the Worker sends its
 * statements. The surface below is the part of a D1 binding that bench/seed.ts uses.
 */
interface ObjectCalls {
  batch(workspace: string, statements: SentStatement[]): Promise<BatchAnswer>;
}

function objectD1(namespace: Namespace, workspace: string): D1 {
  const stub = namespace.get(namespace.idFromName(workspace)) as unknown as ObjectCalls;
  const batch = async (statements: SentStatement[]) => {
    // Plain data only crosses to the object: the statements' methods stay here.
    const answer = await stub.batch(
      workspace,
      statements.map(({ sql, params }) => ({ sql, params })),
    );
    if ("failed" in answer) throw new Error(`the object ${workspace} refused the seed: ${answer.failed}`);
    return answer.results;
  };
  const statement = (sql: string, params: SqlValue[] = []) => ({
    sql,
    params,
    bind: (...values: SqlValue[]) => statement(sql, values),
    run: () => batch([{ sql, params }]),
  });
  return { prepare: (sql: string) => statement(sql), batch } as unknown as D1;
}

/** Seeds pipelines `from` to `to` into the object of the workspace default (the D1 data set's, same ids and times). */
export const seedObject = (namespace: Namespace, from: number, to: number, epoch: number) =>
  seedPipelines(objectD1(namespace, "default"), from, to, epoch);

/** Removes what the bench created in `workspace`'s object (pipelines named bench-…). */
export const removeObjectBenchPipelines = (namespace: Namespace, workspace = "default") =>
  removeBenchPipelines(objectD1(namespace, workspace));
