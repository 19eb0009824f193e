import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CONSISTENCY_TOKEN, readToken } from "../../src/http/shared/consistency-tokens";
import { tokenSecret } from "../../src/settings";
import { toToken } from "../../src/storage/postgres/connection";
import { countingApp, resetDatabase, sqlRows } from "../support/backend";
import { call, callWith, pipelineBody } from "../support/http";

/**
 * docs/consistency.md on PostgreSQL: the token is the WAL position the request's
 * work is part of, in the shape of a D1 bookmark; Hyperdrive reaches the primary, so a token
 * sent back is always satisfied.
 */
const TOKEN = "X-Consistency-Token";

const position = (token: string | null) => {
  const [high = "", low = ""] = (token ?? "").split("-");
  return BigInt(`0x${high}`) * 2n ** 32n + BigInt(`0x${low}`);
};

describe("consistency tokens on PostgreSQL", () => {
  beforeAll(() => resetDatabase());

  it("hold the WAL position in the shape of a D1 bookmark", () => {
    expect(toToken("16/B374D848")).toBe(`00000016-b374d848-00000000-${"0".repeat(32)}`);
  });

  it("come with every answer that reached the database, later writes at later positions", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("tokened") });
    expect(created.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    const patched = await call("PATCH", `/v1/workspaces/default/pipelines/${created.body.id}`, { body: { configuration: { a: "b" } } });
    expect(position(patched.headers.get(TOKEN))).toBeGreaterThan(position(created.headers.get(TOKEN)));
    const [{ lsn } = { lsn: "" }] = await sqlRows<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
    expect(position(toToken(lsn))).toBeGreaterThanOrEqual(position(patched.headers.get(TOKEN)));
  });

  it("sent back, serve the read in one call that sees the write; a malformed one is a 400 after the workspace check, reading nothing with it", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("read-your-write") });
    const counter = countingApp();
    const read = await callWith(counter.fetch, "GET", `/v1/workspaces/default/pipelines/${created.body.id}`, {
      headers: { [TOKEN]: created.headers.get(TOKEN) ?? "" },
    });
    expect({ status: read.status, name: read.body.name, calls: counter.calls }).toEqual({ status: 200, name: "read-your-write", calls: 1 });
    expect(read.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    counter.reset();
    const bad = await callWith(counter.fetch, "GET", "/v1/workspaces/default/pipelines", { headers: { [TOKEN]: "0/16B374D8" } });
    expect({ status: bad.status, calls: counter.calls }).toEqual({ status: 400, calls: 1 });
  });

  it("are the Worker's own: a forged position is a 400, and a write refused in the database answers the primary's state", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refused-here") });
    const forged = `ffffffff-ffffffff-00000000-${"0".repeat(32)}.${(created.headers.get(TOKEN) ?? "").split(".")[1]}`;
    const bad = await call("GET", "/v1/workspaces/default/pipelines", { headers: { [TOKEN]: forged } });
    expect(bad.status).toBe(400);
    const refused = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refused-here") });
    expect(refused.status).toBe(409);
    expect(await readToken(refused.headers.get(TOKEN) ?? "", tokenSecret(env) ?? "")).toBe("primary");
    const read = await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`, {
      headers: { [TOKEN]: refused.headers.get(TOKEN) ?? "" },
    });
    expect(read.status).toBe(200);
  });
});
