import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { postgresClient } from "../../src/storage/postgres/connection";

/** A client as the Worker makes one per request (src/storage/postgres/connection.ts): node-postgres over Hyperdrive. */
async function selectOne() {
  if (!env.HYPERDRIVE) throw new Error("No HYPERDRIVE binding: run this file in the workers-pg project (vitest.config.ts).");
  const client = postgresClient(env.HYPERDRIVE.connectionString);
  await client.connect();
  try {
    return (await client.query("SELECT 1 AS one")).rows;
  } finally {
    await client.end();
  }
}

describe("the HYPERDRIVE binding", () => {
  it("reaches the test PostgreSQL, which answers a query", async () => {
    expect(await selectOne()).toEqual([{ one: 1 }]);
  });

  it("serves a new connection in another test after the first one was closed", async () => {
    expect(await selectOne()).toEqual([{ one: 1 }]);
  });

  it("serves two connections one after the other in the same test", async () => {
    expect([...(await selectOne()), ...(await selectOne())]).toEqual([{ one: 1 }, { one: 1 }]);
  });
});
