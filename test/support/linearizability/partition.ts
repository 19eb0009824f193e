import type { History, Operation } from "./history";
import { type RegistryInput, type RegistryOutput, type RegistryState, registryModel } from "./registry-model";
import { type Counterexample, checkLinearizable, smallestCounterexample } from "./search";

/**
 * P-compositionality: a history is linearizable if and only if each object's subhistory is
 * (Herlihy and Wing's locality), so the search runs per object, where it is small, instead of
 * over the whole history, where it is exponential in the number of concurrent clients.
 *
 * The objects must be independent: each operation acts on exactly one, and the state of the
 * whole is the product of theirs. A pipeline alone is not such an object. Pipelines interact
 * through the uniqueness of active names: whether a create, PUT, PATCH, restore or rollback
 * succeeds or answers 409 depends on the other pipelines' names and archived flags. Checking
 * each document and, apart, a "set of active names" object would not do either: a rename is
 * one atomic step on both, and two separate linearizations could place it at different
 * points, accepting histories no single order explains.
 *
 * So the objects are name clusters: the workload draws names from disjoint clusters (a
 * pipeline created with a cluster's name is only ever renamed within it, and a rollback brings
 * back one of its own earlier names), and an object is one cluster with every pipeline ever
 * created in it. Operations of different clusters then commute, and each cluster's search
 * meets at most one pending operation per client.
 */

export type RegistryOperation = Operation<RegistryInput, RegistryOutput>;
export type RegistryHistory = History<RegistryInput, RegistryOutput>;

/** Each operation's cluster: a create's by its name, any other by its pipeline's create. */
export function partitionByNameCluster(history: RegistryHistory, clusterOf: (name: string) => string): Map<string, RegistryOperation[]> {
  const clusterOfId = new Map<string, string>();
  for (const { input, output } of history) {
    const id = output?.status === 201 ? output.view?.id : undefined;
    if (input.kind === "create" && id !== undefined) clusterOfId.set(id, clusterOf(input.name));
  }
  const parts = new Map<string, RegistryOperation[]>();
  for (const operation of history) {
    const { input } = operation;
    // A pipeline no create shows (an unknown id) is an object of its own.
    const cluster = input.kind === "create" ? clusterOf(input.name) : (clusterOfId.get(input.id) ?? `id ${input.id}`);
    const named = input.kind === "put" || input.kind === "patch" ? input.name : undefined;
    if (named !== undefined && clusterOf(named) !== cluster) {
      throw new Error(
        `operation #${operation.id} renames a pipeline of cluster ${cluster} to ${named}: the clusters are no longer independent`,
      );
    }
    const part = parts.get(cluster) ?? [];
    part.push(operation);
    parts.set(cluster, part);
  }
  return parts;
}

export interface ClusterVerdict {
  cluster: string;
  operations: number;
  /** Operations the search tried: how hard the cluster was. */
  steps: number;
  /** The smallest window no order explains; absent when the cluster is linearizable. */
  counterexample?: Counterexample<RegistryState, RegistryInput, RegistryOutput>;
  /** The cluster's other operations that ran at the same time as the one that cannot be placed. */
  concurrent?: RegistryOperation[];
}

export interface CheckOptions {
  clusterOf: (name: string) => string;
  revisionsKeep: number;
  budget?: number;
}

/** The verdict of every cluster of `history`, in the order of their first operation. */
export function checkRegistryHistory(history: RegistryHistory, options: CheckOptions): ClusterVerdict[] {
  return [...partitionByNameCluster(history, options.clusterOf)].map(([cluster, operations]) => {
    // A model per cluster: its interned revisions serve one search.
    const model = registryModel({ revisionsKeep: options.revisionsKeep });
    const verdict = checkLinearizable(model, operations, { budget: options.budget });
    if (verdict.linearizable) return { cluster, operations: operations.length, steps: verdict.steps };
    const counterexample = smallestCounterexample(model, operations, { budget: options.budget }) ?? undefined;
    const stuck = counterexample?.stuck;
    const concurrent = operations.filter(
      (operation) =>
        stuck &&
        !counterexample.window.includes(operation) &&
        operation.invokedAt < stuck.returnedAt &&
        stuck.invokedAt < operation.returnedAt,
    );
    return { cluster, operations: operations.length, steps: verdict.steps, counterexample, concurrent };
  });
}
