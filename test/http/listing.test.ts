import { beforeAll, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { BASE, call, createPipeline } from "../support/http";

// One data set for the whole file: 7 pipelines, one archived.
const names = ["delta", "alpha", "charlie", "bravo", "echo", "foxtrot", "golf"];
beforeAll(async () => {
  await resetDatabase();
  for (const [i, name] of names.entries()) {
    await createPipeline(name, { configuration: { team: i % 2 ? "odd" : "even", "dots.in_key": "50%_off" } });
  }
  const golf = (await call("GET", "/v1/workspaces/default/pipelines?name=golf")).body.data[0];
  await call("POST", `/v1/workspaces/default/pipelines/${golf.id}/archive`);
});

const namesOf = (body: { data: { name: string }[] }) => body.data.map((p) => p.name);

async function walk(path: string) {
  const seen: string[] = [];
  let url: string | null = path;
  for (let i = 0; url && i < 20; i++) {
    const page = await call("GET", url);
    expect(page.status).toBe(200);
    seen.push(...namesOf(page.body));
    const link = page.headers.get("Link");
    if (page.body.nextCursor) {
      expect(link).toMatch(/^<https:\/\/registry\.test\/v1\/workspaces\/default\/pipelines\?.*cursor=.*>; rel="next"$/);
      url = (link as string).slice(1, (link as string).indexOf(">")).replace(BASE, "");
    } else {
      expect(link).toBeNull();
      url = null;
    }
  }
  return seen;
}

describe("GET /v1/workspaces/default/pipelines", () => {
  it("lists active pipelines by name, 20 by default, with whole pipelines", async () => {
    const page = await call("GET", "/v1/workspaces/default/pipelines");
    expect(namesOf(page.body)).toEqual(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.data[0].stages).toHaveLength(2);
    expect(page.body.data[0].configuration).toEqual({ team: "odd", "dots.in_key": "50%_off" });
  });

  it("follows keyset cursors through every page, in every sort", async () => {
    expect(await walk("/v1/workspaces/default/pipelines?limit=2")).toEqual(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]);
    expect(await walk("/v1/workspaces/default/pipelines?limit=4&sort=-name")).toEqual([
      "foxtrot",
      "echo",
      "delta",
      "charlie",
      "bravo",
      "alpha",
    ]);
    expect(await walk("/v1/workspaces/default/pipelines?limit=3&sort=createdAt&archived=all")).toEqual(names);
    expect(await walk("/v1/workspaces/default/pipelines?limit=3&sort=-updatedAt&archived=all")).toEqual([
      "golf",
      ...names.slice(0, 6).reverse(),
    ]);
  });

  it("pages by offset too", async () => {
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?limit=2&offset=2")).body)).toEqual(["charlie", "delta"]);
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?offset=10")).body)).toEqual([]);
  });

  it("filters by archived state, name and configuration (escaping included)", async () => {
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?archived=true")).body)).toEqual(["golf"]);
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?name=echo")).body)).toEqual(["echo"]);
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?config.team=odd")).body)).toEqual(["alpha", "bravo", "foxtrot"]);
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?config.team=even&archived=all")).body)).toEqual([
      "charlie",
      "delta",
      "echo",
      "golf",
    ]);
    const escaped = `/v1/workspaces/default/pipelines?config.dots.in_key=${encodeURIComponent("50%_off")}&config.team=odd`;
    expect(namesOf((await call("GET", escaped)).body)).toEqual(["alpha", "bravo", "foxtrot"]);
    expect(namesOf((await call("GET", "/v1/workspaces/default/pipelines?config.dots.in_key=50%25")).body)).toEqual([]);
    expect(await walk("/v1/workspaces/default/pipelines?config.team=even&archived=all&limit=1")).toEqual([
      "charlie",
      "delta",
      "echo",
      "golf",
    ]);
  });

  it("rejects bad query parameters with every problem listed", async () => {
    const bad = await call("GET", "/v1/workspaces/default/pipelines?limit=0&sort=size&archived=maybe&colour=red&offset=-1");
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["/archived", "/colour", "/limit", "/offset", "/sort"]);
    expect((await call("GET", "/v1/workspaces/default/pipelines?limit=101")).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/pipelines?limit=1.5")).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/pipelines?config.bad%20key=x")).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/pipelines?name=a&name=b")).status).toBe(400);
  });

  it("takes every name a pipeline can have as the name filter: 100 characters are code points", async () => {
    const longest = encodeURIComponent("🚀".repeat(100));
    expect((await call("GET", `/v1/workspaces/default/pipelines?name=${longest}`)).body).toEqual({ data: [], nextCursor: null });
    expect((await call("GET", `/v1/workspaces/default/pipelines/count?name=${longest}`)).body).toEqual({ count: 0 });
    expect((await call("GET", `/v1/workspaces/default/pipelines?name=${encodeURIComponent("🚀".repeat(101))}`)).status).toBe(400);
  });

  it("rejects a cursor with other filters or sort, a tampered one, and cursor with offset", async () => {
    const first = await call("GET", "/v1/workspaces/default/pipelines?limit=2");
    const cursor = first.body.nextCursor as string;
    expect((await call("GET", `/v1/workspaces/default/pipelines?limit=2&cursor=${cursor}`)).status).toBe(200);
    expect((await call("GET", `/v1/workspaces/default/pipelines?limit=5&cursor=${cursor}`)).status).toBe(200);
    const otherFilter = await call("GET", `/v1/workspaces/default/pipelines?limit=2&archived=all&cursor=${cursor}`);
    expect(otherFilter.status).toBe(400);
    expect(otherFilter.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await call("GET", `/v1/workspaces/default/pipelines?sort=-name&cursor=${cursor}`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines?config.team=odd&cursor=${cursor}`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines?cursor=${cursor.slice(0, -3)}`)).status).toBe(400);
    expect((await call("GET", "/v1/workspaces/default/pipelines?cursor=%%%")).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines?cursor=${btoa('{"sort":"name"}')}`)).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines?offset=1&cursor=${cursor}`)).status).toBe(400);
  });
});

describe("GET /v1/workspaces/default/pipelines/count", () => {
  it("counts with the list's filters", async () => {
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 6 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?archived=all")).body).toEqual({ count: 7 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?archived=true")).body).toEqual({ count: 1 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?config.team=even")).body).toEqual({ count: 3 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?name=alpha")).body).toEqual({ count: 1 });
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?limit=5")).status).toBe(400);
  });
});
