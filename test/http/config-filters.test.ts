import { beforeAll, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call, createPipeline } from "../support/http";

/** `config.<key>=<value>` and `config[<key>]=<value>` filters, at most 20 (docs/api.md, listPipelines). */

const configuration = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `v${i}`]));

beforeAll(async () => {
  await resetDatabase();
  for (const name of ["alpha", "bravo", "charlie"]) await createPipeline(name, { configuration });
  await createPipeline("other", { configuration: { k0: "elsewhere" } });
});

const filters = (count: number, form: (key: string) => string = (key) => `config.${key}`) =>
  Array.from({ length: count }, (_, i) => `${encodeURIComponent(form(`k${i}`))}=v${i}`).join("&");
const namesOf = (body: { data: { name: string }[] }) => body.data.map((p) => p.name);

describe("configuration filters", () => {
  it("take up to 20, ANDed, on the list and the count", async () => {
    const list = await call("GET", `/v1/workspaces/default/pipelines?${filters(20)}`);
    expect(list.status).toBe(200);
    expect(namesOf(list.body)).toEqual(["alpha", "bravo", "charlie"]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/count?${filters(20)}`)).body).toEqual({ count: 3 });
  });

  it.each([21, 49, 100])("refuse %i with one 400 naming the bound, not a 500", async (count) => {
    for (const path of ["/v1/workspaces/default/pipelines", "/v1/workspaces/default/pipelines/count"]) {
      const reply = await call("GET", `${path}?${filters(count)}`);
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ path: "/config", message: "at most 20 configuration filters" }]);
    }
  });

  it("read config[<key>] as config.<key>, on the list and the count", async () => {
    const bracketed = await call("GET", `/v1/workspaces/default/pipelines?${filters(3, (key) => `config[${key}]`)}`);
    expect(bracketed.status).toBe(200);
    expect(namesOf(bracketed.body)).toEqual(["alpha", "bravo", "charlie"]);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?config[k0]=elsewhere")).body).toEqual({ count: 1 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?config%5Bk0%5D=v0&config.k1=v1")).body).toEqual({ count: 3 });
  });

  it("give the same cursor for either spelling, and take one spelling's cursor with the other", async () => {
    const dotted = await call("GET", "/v1/workspaces/default/pipelines?limit=1&config.k0=v0");
    const bracketed = await call("GET", "/v1/workspaces/default/pipelines?limit=1&config[k0]=v0");
    expect(bracketed.body.nextCursor).toBe(dotted.body.nextCursor);
    const next = await call("GET", `/v1/workspaces/default/pipelines?limit=1&config[k0]=v0&cursor=${dotted.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(namesOf(next.body)).toEqual(["bravo"]);
    expect((await call("GET", `/v1/workspaces/default/pipelines?limit=1&config[k0]=v1&cursor=${dotted.body.nextCursor}`)).status).toBe(400);
  });

  it("refuse one key given in both spellings, and bad keys in either", async () => {
    const twice = await call("GET", "/v1/workspaces/default/pipelines?config.k0=v0&config[k0]=v0");
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([{ path: "/config[k0]", message: expect.stringContaining("once") }]);
    for (const name of ["config[]", "config[a b]", "config[k0", "config[[k0]]", `config[${"k".repeat(65)}]`]) {
      const reply = await call("GET", `/v1/workspaces/default/pipelines?${encodeURIComponent(name)}=v`);
      expect({ name, status: reply.status }).toEqual({ name, status: 400 });
    }
  });
});
