import { env } from "cloudflare:workers";
import postgres from "postgres";
import { describe, expect, it } from "vitest";

/** A client as the Worker makes one per request: Cloudflare's recommended options for postgres.js over Hyperdrive. */
function connect() {
  if (!env.HYPERDRIVE) throw new Error("No HYPERDRIVE binding: run this file in the workers-pg project (vitest.config.ts).");
  // prepare: Hyperdrive caches prepared statements only; fetch_types: no array types to look up,
  // one round trip less per connection.
  return postgres(env.HYPERDRIVE.connectionString, { max: 1, fetch_types: false, prepare: true });
}

async function selectOne() {
  const sql = connect();
  try {
    return Array.from(await sql`SELECT 1 AS one`);
  } finally {
    await sql.end();
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
