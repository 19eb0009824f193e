import { sql as drizzleSql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { expect, it, vi } from "vitest";
import type { Storage } from "../../src/domain/storage";

/**
 * The PostgreSQL backend renders its SQL with its own small template (src/storage/shared/sql.ts)
 * where it used drizzle-orm's `sql` and node-postgres driver. Every statement the backend sends
 * is made here twice, by the same modules, once over each renderer: text and parameters must
 * be the same, so what PostgreSQL receives has not changed.
 */

const SQL_MODULE = "../../src/storage/shared/sql";

/** drizzle-orm's `sql` and its PostgreSQL renderer, in the shape of ./sql.ts. */
const drizzleRenderer = () => ({
  // Its join takes the separator as SQL where ours takes text.
  sql: Object.assign((strings: TemplateStringsArray, ...values: unknown[]) => drizzleSql(strings, ...values), {
    raw: drizzleSql.raw,
    join: (parts: Parameters<typeof drizzleSql.join>[0], separator: string) => drizzleSql.join(parts, drizzleSql.raw(separator)),
  }),
  where: (conditions: Parameters<typeof drizzleSql.join>[0]) =>
    conditions.length === 0 ? drizzleSql`` : drizzleSql`WHERE ${drizzleSql.join(conditions, drizzleSql.raw(" AND "))}`,
  toPostgres: (query: Parameters<PgDialect["sqlToQuery"]>[0]) => {
    const { sql, params } = new PgDialect().sqlToQuery(query);
    return { text: sql, values: params };
  },
});

type Sent = { text: string; values: unknown[] };

/** Runs every storage operation over a connection (the real one, on a client that records what node-postgres is given). */
async function statements(renderer: "own" | "drizzle"): Promise<Sent[]> {
  vi.resetModules();
  if (renderer === "drizzle") vi.doMock(SQL_MODULE, drizzleRenderer);
  else vi.doUnmock(SQL_MODULE);
  const sent: Sent[] = [];
  // The client: node-postgres's query config, recorded; one row as the wrapper statement answers.
  vi.doMock("pg/lib/client.js", () => ({
    default: class {
      on() {}
      connect = async () => {};
      end = async () => {};
      query = async (config: Sent) => {
        sent.push({ text: config.text, values: config.values });
        return { rows: [{ result: null, token: "16/B374D848" }] };
      };
    },
  }));
  vi.doMock("pg-cloudflare", () => ({ CloudflareSocket: class {} }));
  // Fixed ids and key material, so both runs send the same parameters.
  vi.doMock("../../src/domain/ids", async (actual) => ({ ...(await actual<object>()), newId: () => "01JD3ZK5Q8W7V6T5S4R3P2N1M0" }));
  vi.spyOn(crypto, "getRandomValues").mockImplementation((array) => array);

  const { postgresConnection } = await import("../../src/storage/postgres/connection");
  const { postgresStorage } = await import("../../src/storage/postgres/storage");
  const connection = postgresConnection("postgres://user:secret@db.test/registry");
  const storage: Storage = postgresStorage(
    connection,
    { revisionsKeep: 100, maxPipelines: 1000 },
    "write",
    () => new Date("2026-01-02T03:04:05.678Z"),
  );
  const workspace = storage.workspace("team-7");
  const id = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";
  const context = { actor: { type: "admin", id: "admin" }, requestId: "r1" } as const;
  const pipeline = {
    name: "nightly",
    configuration: { env: "prod" },
    stages: [{ name: "gzip", stageType: "compression", algorithm: "gzip" }],
  };
  const claim = { scope: "admin", key: "k", fingerprint: "f", expiresAt: "2026-01-03T00:00:00.000Z", record: () => "{}" };
  const sort = { field: "updatedAt", descending: true } as const;
  const pipelines = workspace.pipelines;
  const operations: (() => Promise<unknown>)[] = [
    () => pipelines.saveMany([pipeline as never], { context } as never),
    () => pipelines.saveManyOnce([pipeline as never], claim, {}),
    () => pipelines.findById(id),
    () => pipelines.update(id, { ...pipeline, stages: [{ ...pipeline.stages[0], id }] } as never, { expectedVersion: 3 }),
    () => pipelines.patch(id, { name: "n", configuration: { env: null } } as never, {}),
    () => pipelines.patch(id, { configuration: null } as never, { expectedVersion: 1 }),
    () => pipelines.delete(id, {}),
    () => pipelines.archive(id, {}),
    () => pipelines.restore(id, { expectedVersion: 2 }),
    () => pipelines.exists(id),
    () => pipelines.count({ archived: "false", config: [] }),
    () => pipelines.count({ archived: "all", name: "x", config: [["env", "prod"]] }),
    () => pipelines.list({ archived: "false", config: [], sort, limit: 10 }),
    () =>
      pipelines.list({
        archived: "true",
        name: "x",
        config: [
          ["a", "1"],
          ["b", "2"],
        ],
        sort: { field: "name", descending: false },
        limit: 5,
        offset: 5,
      }),
    () => pipelines.list({ archived: "all", config: [], sort, limit: 5, after: { value: "2026-01-01T00:00:00.000Z", id } }),
    () => pipelines.list({ archived: "all", config: [], sort: { field: "name", descending: false }, limit: 5, after: { value: "n", id } }),
    () => pipelines.getMetrics(id),
    () => pipelines.putMetrics(id, { bytesProcessed: 1 } as never, {}),
    () => pipelines.rollback(id, 2, {}),
    () => pipelines.listRevisions(id, { limit: 10 } as never),
    () => pipelines.listRevisions(id, { limit: 10, before: 4 } as never),
    () => pipelines.getRevisions(id, [1, 2]),
    () => pipelines.listAuditEvents({ limit: 10 } as never),
    () => pipelines.listAuditEvents({ limit: 10, resourceId: id, action: "create", actorId: "admin", before: 9 } as never),
    () => pipelines.listChangeEvents({ limit: 10 }),
    () => pipelines.listChangeEvents({ limit: 10, after: 7, type: "pipeline.created", resourceId: id }),
    () => workspace.apiKeys.create({ name: "ci", scopes: ["read"] } as never, new Date("2026-01-02T00:00:00Z"), context as never),
    () => workspace.apiKeys.list(),
    () => workspace.apiKeys.revoke(id, new Date("2026-01-02T00:00:00Z"), context as never),
    () => storage.findKeyByHash("hash"),
    () =>
      workspace.archiveRuns.archiveStale({ id } as never, { batchSize: 2, revisionsKeep: 5, context, auditCutoff: "2025-01-01" } as never),
    () => workspace.archiveRuns.record({ id } as never, context as never),
    () => workspace.archiveRuns.list(7),
    () => workspace.describe(),
    () => storage.workspaces.create({ id: "team-8", displayName: "Team 8" }, new Date("2026-01-02T00:00:00Z")),
    () => storage.workspaces.list({ limit: 20 }),
    () => storage.workspaces.list({ limit: 20, after: "team-7" }),
    () => storage.workspaces.deleteStep("team-7", new Date("2026-01-02T00:00:00Z")),
    () => storage.workspaces.unfinishedDeletions(10),
    () => storage.workspaces.withStalePipelines("2025-01-01T00:00:00.000Z", { limit: 10, after: "a" }),
    () => storage.workspaces.pruneAuditEvents("2025-01-01T00:00:00.000Z"),
    () => storage.ping(),
    async () => {
      const checked = connection.checked({ workspace: "team-7", mode: "write", key: { id, hash: "h", scope: "write" } });
      await checked.value(drizzleOrOwn(await import(SQL_MODULE)));
      await connection.checked({ workspace: "team-7", mode: "read" }).verify();
    },
  ];
  // The answers are fakes: what follows a statement may fail, the statement is what is compared.
  for (const operation of operations) await operation().catch(() => {});
  vi.restoreAllMocks();
  return sent;
}

/** `1`, in whichever renderer the modules were loaded with. */
const drizzleOrOwn = (module: { sql: (strings: TemplateStringsArray) => never }) => module.sql`1`;

it("sends PostgreSQL the very statements and parameters that drizzle-orm's renderer sent", async () => {
  const own = await statements("own");
  const drizzle = await statements("drizzle");
  expect(own.length).toBeGreaterThan(30);
  expect(own).toEqual(drizzle);
});
