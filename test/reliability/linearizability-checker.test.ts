import { describe, expect, it } from "vitest";
import type { Operation } from "../support/linearizability/history";
import { checkRegistryHistory, partitionByNameCluster, type RegistryOperation } from "../support/linearizability/partition";
import { type RegistryInput, type RegistryOutput, registryModel, writtenContent } from "../support/linearizability/registry-model";
import { describeFailures } from "../support/linearizability/report";
import { checkLinearizable, type Model, smallestCounterexample } from "../support/linearizability/search";
import { clusterOfName } from "../support/linearizability/workload";

/**
 * The linearizability checker on small histories written by hand, whose verdict is known:
 * the search alone on a register, then the registry's model, the partition by name cluster,
 * and the report of the smallest window no order explains.
 */

type RegisterInput = { write: number } | "read";
/** One integer register, 0 at first: a write answers nothing, a read the value. */
const register: Model<number, RegisterInput, number | null> = {
  initial: 0,
  step: (state, input, output) => {
    if (input === "read") return output === null || output === state ? [state] : [];
    return output === null ? [input.write, state] : [input.write];
  },
  key: String,
};

const history = <I, O>(rows: [client: number, input: I, output: O | null, invokedAt: number, returnedAt: number][]) =>
  rows.map(([client, input, output, invokedAt, returnedAt], id): Operation<I, O> => ({ id, client, input, output, invokedAt, returnedAt }));
const never = Number.POSITIVE_INFINITY;

describe("the search", () => {
  it("accepts reads that see a concurrent write take effect between them", () => {
    const verdict = checkLinearizable(
      register,
      history<RegisterInput, number | null>([
        [0, { write: 1 }, null, 1, 10],
        [1, "read", 0, 2, 3],
        [1, "read", 1, 4, 5],
        [2, "read", 1, 6, 7],
      ]),
    );
    expect(verdict.linearizable).toBe(true);
    if (verdict.linearizable) expect(verdict.order.map((op) => op.id)).toEqual([1, 0, 2, 3]);
  });

  it("refuses a read of the old value after another read saw the new one, though each alone is explained", () => {
    const ops = history<RegisterInput, number | null>([
      [0, { write: 1 }, null, 1, 10],
      [1, "read", 1, 2, 3],
      [2, "read", 0, 4, 5],
    ]);
    const verdict = checkLinearizable(register, ops);
    expect(verdict.linearizable).toBe(false);
    expect(smallestCounterexample(register, ops)?.stuck.id).toBe(2);
  });

  it("lets an operation with an unknown answer take effect or not, but only after its invocation", () => {
    const unknownWrite = (reads: number[]) =>
      history<RegisterInput, number | null>([
        [0, "read", 0, 1, 2],
        [1, { write: 1 }, null, 3, never],
        ...reads.map((value, i): [number, RegisterInput, number, number, number] => [2, "read", value, 4 + 2 * i, 5 + 2 * i]),
      ]);
    expect(checkLinearizable(register, unknownWrite([0, 1, 1])).linearizable).toBe(true);
    expect(checkLinearizable(register, unknownWrite([0, 0])).linearizable).toBe(true);
    expect(checkLinearizable(register, unknownWrite([1, 0])).linearizable).toBe(false);
  });

  it("finds the first prefix that fails, so the window is the violation and not what follows it", () => {
    const rows: [number, RegisterInput, number | null, number, number][] = [];
    for (let i = 0; i < 40; i++) rows.push([i % 3, i % 2 ? "read" : { write: i }, i % 2 ? i - 1 : null, 4 * i + 1, 4 * i + 2]);
    // A read of a value nobody wrote last, then more of the same linearizable pattern.
    rows.push([0, "read", 7, 161, 162]);
    for (let i = 41; i < 60; i++) rows.push([i % 3, { write: i }, null, 4 * i + 1, 4 * i + 6]);
    const counterexample = smallestCounterexample(register, history(rows));
    expect(counterexample?.stuck.id).toBe(40);
    expect(counterexample?.window.map((op) => op.id)).toEqual([40]);
    expect(counterexample?.state).toBe(38);
  });
});

const view = (id: string, version: number, name: string, token: string, archived = false) => ({
  status: 200,
  view: { id, version, name, archived, content: writtenContent(token) },
});
const created = (id: string, name: string, token: string) => ({ status: 201, view: { ...view(id, 1, name, token).view } });
const registry = (rows: [number, RegistryInput, RegistryOutput | null, number, number][]): RegistryOperation[] => history(rows);
const check = (ops: RegistryOperation[]) => checkRegistryHistory(ops, { clusterOf: clusterOfName, revisionsKeep: 100 });

describe("the registry's model", () => {
  it("accepts one create per active name, a stale read concurrent with a write, and one winner of an If-Match race", () => {
    const ops = registry([
      [0, { kind: "create", name: "c0-a", token: "t1" }, created("P1", "c0-a", "t1"), 1, 4],
      [1, { kind: "create", name: "c0-a", token: "t2" }, { status: 409 }, 2, 5],
      [0, { kind: "put", id: "P1", name: "c0-b", token: "t3", ifMatch: 1 }, view("P1", 2, "c0-b", "t3"), 6, 11],
      [1, { kind: "put", id: "P1", name: "c0-a", token: "t4", ifMatch: 1 }, { status: 412 }, 7, 12],
      [2, { kind: "get", id: "P1" }, view("P1", 1, "c0-a", "t1"), 8, 9],
      [2, { kind: "create", name: "c0-a", token: "t5" }, created("P2", "c0-a", "t5"), 13, 14],
      [1, { kind: "archive", id: "P2" }, view("P2", 2, "c0-a", "t5", true), 15, 16],
      [0, { kind: "rollback", id: "P1", to: 1 }, view("P1", 3, "c0-a", "t1"), 17, 18],
      [1, { kind: "restore", id: "P2", ifMatch: 2 }, { status: 409 }, 19, 20],
    ]);
    expect(check(ops).map((verdict) => verdict.counterexample)).toEqual([undefined]);
  });

  it("refuses two creates of one name that both succeed, and a read older than a write that had returned", () => {
    const twoWinners = registry([
      [0, { kind: "create", name: "c0-a", token: "t1" }, created("P1", "c0-a", "t1"), 1, 3],
      [1, { kind: "create", name: "c0-a", token: "t2" }, created("P2", "c0-a", "t2"), 2, 4],
    ]);
    expect(check(twoWinners)[0]?.counterexample?.stuck.id).toBe(1);
    const staleRead = registry([
      [0, { kind: "create", name: "c0-a", token: "t1" }, created("P1", "c0-a", "t1"), 1, 2],
      [
        0,
        { kind: "patch", id: "P1", token: "t2" },
        { status: 200, view: { ...view("P1", 2, "c0-a", "t1").view, content: "t2|s-t1" } },
        3,
        4,
      ],
      [1, { kind: "get", id: "P1" }, view("P1", 1, "c0-a", "t1"), 5, 6],
    ]);
    const [verdict] = check(staleRead);
    expect(verdict?.counterexample?.stuck.id).toBe(2);
    const report = describeFailures(check(staleRead), staleRead);
    expect(report).toContain("cluster c0 (3 operations) is not linearizable");
    expect(report).toMatch(/\* #2 client 1 \[5→6\] +GET p0 → 200 p0 v1 "c0-a" t1\|s-t1/);
    expect(report).toMatch(/from the state p0 v2 "c0-a" t2\|s-t1,/);
  });

  it("splits a history by name cluster, and refuses a rename into another cluster, which would couple two", () => {
    const ops = registry([
      [0, { kind: "create", name: "c0-a", token: "t1" }, created("P1", "c0-a", "t1"), 1, 2],
      [1, { kind: "create", name: "c1-a", token: "t2" }, created("P2", "c1-a", "t2"), 3, 4],
      [0, { kind: "get", id: "P2" }, view("P2", 1, "c1-a", "t2"), 5, 6],
    ]);
    expect([...partitionByNameCluster(ops, clusterOfName)].map(([cluster, part]) => [cluster, part.map((op) => op.id)])).toEqual([
      ["c0", [0]],
      ["c1", [1, 2]],
    ]);
    const crossing = [
      ...ops,
      ...registry([[0, { kind: "patch", id: "P1", name: "c1-a" }, { status: 409 }, 7, 8]]).map((op) => ({ ...op, id: 3 })),
    ];
    expect(() => partitionByNameCluster(crossing, clusterOfName)).toThrow(/renames a pipeline of cluster c0 to c1-a/);
  });
});

it("has a model whose unknown create holds its name without an id anyone can use", () => {
  const model = registryModel({ revisionsKeep: 100 });
  const [applied, skipped] = model.step(model.initial, { kind: "create", name: "c0-a", token: "t" }, null);
  expect([applied?.size, skipped?.size]).toEqual([1, 0]);
  expect(model.step(applied as never, { kind: "create", name: "c0-a", token: "u" }, { status: 409 })).toHaveLength(1);
});
