import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, sqlRows } from "../support/backend";
import { codePointOrder, names, utf8Length, walk } from "../support/data-edges";
import { call, createPipeline, pipelineBody, stage } from "../support/http";

/**
 * The edges of the data, names and sizes: names in every corner of Unicode and the largest
 * pipeline the 256 KiB body allows. Everything must come back exactly as written.
 */

beforeEach(() => resetDatabase());

describe("unicode names", () => {
  const NAMES = [
    "é", // NFC: U+00E9
    "e\u0301", // NFD: e + combining acute, a different name
    "🚀 launch",
    "👩‍👩‍👧 family", // ZWJ sequence
    "خط أنابيب", // right to left
    "\u202eevil-override", // bidi override (a format character, not a control character)
    "Z̤̈a̸l̷g̵o", // stacked combining marks
    "日本語のパイプライン",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", // astral letters
    "a\u200bb", // zero-width space inside
    "a\u00a0b", // no-break space inside
    "ﬁ", // ligature, not "fi"
    "fi",
    "🚀".repeat(100), // 100 code points, 200 UTF-16 units
    "e\u0301".repeat(50), // 100 code points
  ];

  it("keeps each exactly, NFC and NFD apart; finds, counts and sorts them by code point", async () => {
    const created = new Map<string, string>();
    for (const name of NAMES) {
      const reply = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody(name, { configuration: { name } }) });
      expect(reply.status, JSON.stringify(name)).toBe(201);
      expect(reply.body.name).toBe(name);
      created.set(name, reply.body.id);
    }
    for (const [name, id] of created) {
      const fetched = (await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body;
      expect(fetched.name, JSON.stringify(name)).toBe(name);
      expect(fetched.configuration.name).toBe(name);
      const query = `name=${encodeURIComponent(name)}`;
      const found = await call("GET", `/v1/workspaces/default/pipelines?${query}`);
      expect(
        found.body.data.map((p: { id: string }) => p.id),
        JSON.stringify(name),
      ).toEqual([id]);
      expect((await call("GET", `/v1/workspaces/default/pipelines/count?${query}`)).body, JSON.stringify(name)).toEqual({ count: 1 });
      expect((await call("GET", `/v1/workspaces/default/pipelines/count?config.name=${encodeURIComponent(name)}`)).body).toEqual({
        count: 1,
      });
    }
    const expected = [...NAMES].sort(codePointOrder);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?limit=100"))).toEqual(expected);
    expect(await walk("/v1/workspaces/default/pipelines?limit=2")).toEqual(expected);
    expect(await walk("/v1/workspaces/default/pipelines?limit=3&sort=-name")).toEqual([...expected].reverse());
  }, 20_000); // one write and several reads for each of its names: seconds on a busy machine

  it("refuses 101 code points, and a name taken in one normal form does not block the other", async () => {
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("🚀".repeat(101)) })).status).toBe(400);
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody(`${"e\u0301".repeat(50)}e`) })).status).toBe(400);
    const nfc = await createPipeline("café");
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("café") })).status).toBe(409);
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("cafe\u0301") })).status).toBe(201);
    const renamed = await call("PATCH", `/v1/workspaces/default/pipelines/${nfc.id}`, { body: { name: "CAFÉ 🚀" } });
    expect(renamed.body.name).toBe("CAFÉ 🚀");
  });
});

describe("the largest pipeline the limits allow", () => {
  const LIMIT = 256 * 1024;

  /** A body of exactly `bytes` bytes: parameters as long as fits, then one configuration value pads the rest. */
  function bodyOf(bytes: number, stages: (valueLength: number) => object[], extra: object = {}) {
    const make = (valueLength: number, pad: number) =>
      JSON.stringify({ name: "largest", configuration: { pad: "p".repeat(pad) }, stages: stages(valueLength), ...extra });
    let valueLength = 0;
    while (utf8Length(make(valueLength + 1, 0)) <= bytes) valueLength++;
    const pad = bytes - utf8Length(make(valueLength, 0));
    expect(pad).toBeGreaterThanOrEqual(0);
    expect(pad).toBeLessThanOrEqual(4096);
    const body = make(valueLength, pad);
    expect(utf8Length(body)).toBe(bytes);
    return body;
  }

  const parameters = (valueLength: number, stageIndex: number) =>
    Object.fromEntries(
      Array.from({ length: 64 }, (_, j) => [`p${String(j).padStart(2, "0")}`, `${stageIndex}-${j}-`.padEnd(valueLength, "v")]),
    );
  const stages =
    (ids: string[] = []) =>
    (valueLength: number) =>
      Array.from({ length: 32 }, (_, i) => ({
        ...(ids[i] ? { id: ids[i] } : {}),
        ...stage(`stage-${i}`, i % 2 ? "transform" : "checksum", i % 2 ? `t-${i}` : "blake3"),
        parameters: parameters(valueLength, i),
      }));

  it("32 stages of 64 parameters filling exactly 256 KiB: created, read and replaced as sent; one byte more is a 413", async () => {
    const body = bodyOf(LIMIT, stages());
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const sent = JSON.parse(body);
    expect(created.body).toMatchObject({ name: sent.name, configuration: sent.configuration });
    expect(created.body.stages.map((s: { parameters: object }) => s.parameters)).toEqual(
      sent.stages.map((s: { parameters: object }) => s.parameters),
    );
    const fetched = await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);
    const [rows] = await sqlRows<{ n: number; chars: number }>(
      "SELECT count(*) AS n, sum(length(value)) AS chars FROM stage_parameters WHERE stage_id IN (SELECT id FROM pipeline_stages WHERE pipeline_id = ?)",
      created.body.id,
    );
    expect(rows).toEqual({
      n: 2048,
      chars: sent.stages.reduce((n: number, s: { parameters: object }) => n + Object.values(s.parameters).join("").length, 0),
    });

    // A replacement keeping every stage id, again exactly at the limit.
    const ids = created.body.stages.map((s: { id: string }) => s.id);
    const replacement = bodyOf(LIMIT, stages(ids));
    const replaced = await call("PUT", `/v1/workspaces/default/pipelines/${created.body.id}`, { body: replacement });
    expect(replaced.status, replaced.text.slice(0, 300)).toBe(200);
    expect(replaced.body.stages.map((s: { id: string }) => s.id)).toEqual(ids);
    expect(replaced.body.stages.map((s: { createdAt: string }) => s.createdAt)).toEqual(
      created.body.stages.map((s: { createdAt: string }) => s.createdAt),
    );
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`)).body).toEqual(replaced.body);

    const refused = await call("POST", "/v1/workspaces/default/pipelines", {
      body: bodyOf(LIMIT + 1, stages(), { name: "one byte more" }),
    });
    expect(refused.status).toBe(413);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?archived=all")).body).toEqual({ count: 1 });
  });
});
