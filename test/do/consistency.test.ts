import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CONSISTENCY_TOKEN, readToken } from "../../src/http/shared/consistency-tokens";
import { tokenSecret } from "../../src/settings";
import { objectToken } from "../../src/storage/durable-objects/storage";
import { countingApp, resetDatabase } from "../support/backend";
import { call, callWith, pipelineBody } from "../support/http";

/**
 * docs/consistency.md on Durable Objects: every read is served by the workspace's object, which
 * has every write it committed, so the token is the object's own position (its committed write
 * round trips) in the shape of a D1 bookmark, and a token sent back is always satisfied.
 */
const TOKEN = "X-Consistency-Token";

const position = (token: string | null) => {
  const [high = "", low = ""] = (token ?? "").split("-");
  return BigInt(`0x${high}`) * 2n ** 32n + BigInt(`0x${low}`);
};

describe("consistency tokens on Durable Objects", () => {
  beforeAll(() => resetDatabase());

  it("hold the object's position in the shape of a D1 bookmark", () => {
    expect(objectToken(2 ** 32 + 10)).toBe(`00000001-0000000a-00000000-${"0".repeat(32)}`);
  });

  it("come with every answer, later writes at later positions, and a read at the position of the write before it", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("tokened") });
    expect(created.headers.get(TOKEN)).toMatch(CONSISTENCY_TOKEN);
    const patched = await call("PATCH", `/v1/workspaces/default/pipelines/${created.body.id}`, { body: { configuration: { a: "b" } } });
    expect(position(patched.headers.get(TOKEN))).toBeGreaterThan(position(created.headers.get(TOKEN)));
    const read = await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`);
    expect(position(read.headers.get(TOKEN))).toBe(position(patched.headers.get(TOKEN)));
  });

  it("sent back, serve the read in one call that sees the write; a malformed one is a 400 after the workspace check", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("read-your-write") });
    const counter = countingApp();
    const read = await callWith(counter.fetch, "GET", `/v1/workspaces/default/pipelines/${created.body.id}`, {
      headers: { [TOKEN]: created.headers.get(TOKEN) ?? "" },
    });
    expect({ status: read.status, name: read.body.name, calls: counter.calls }).toEqual({ status: 200, name: "read-your-write", calls: 1 });
    counter.reset();
    const bad = await callWith(counter.fetch, "GET", "/v1/workspaces/default/pipelines", { headers: { [TOKEN]: "not a token" } });
    expect({ status: bad.status, calls: counter.calls }).toEqual({ status: 400, calls: 1 });
    const missing = await call("GET", "/v1/workspaces/nowhere/pipelines", { headers: { [TOKEN]: "not a token" } });
    expect(missing.status).toBe(404);
  });

  it("are the Worker's own: a forged position is a 400, and a write refused in the object answers the primary's state", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refused-here") });
    const forged = `ffffffff-ffffffff-00000000-${"0".repeat(32)}.${(created.headers.get(TOKEN) ?? "").split(".")[1]}`;
    expect((await call("GET", "/v1/workspaces/default/pipelines", { headers: { [TOKEN]: forged } })).status).toBe(400);
    const refused = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("refused-here") });
    expect(refused.status).toBe(409);
    expect(await readToken(refused.headers.get(TOKEN) ?? "", tokenSecret(env) ?? "")).toBe("primary");
  });
});
