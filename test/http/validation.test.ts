import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call, createPipeline, pipelineBody, stage } from "../support/http";

beforeEach(() => resetDatabase());

async function errorsFor(body: unknown, method = "POST", path = "/v1/workspaces/default/pipelines") {
  const reply = await call(method, path, { body });
  expect(reply.status).toBe(400);
  expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
  return reply.body.errors as { path: string; message: string }[];
}

const pathsOf = (errors: { path: string }[]) => [...new Set(errors.map((e) => e.path))].sort();

describe("pipeline rules", () => {
  it.each([
    ["empty", ""],
    ["too long", "n".repeat(101)],
    ["leading space", " name"],
    ["trailing tab", "name\t"],
    ["control character", "na\u0007me"],
    ["not a string", 42],
  ])("rejects a name that is %s", async (_, name) => {
    expect(pathsOf(await errorsFor(pipelineBody("x", { name })))).toEqual(["/name"]);
  });

  it("accepts unicode names of up to 100 characters, counted as code points", async () => {
    const name = "🚀".repeat(100);
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody(name) });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(name);
    expect(pathsOf(await errorsFor(pipelineBody("🚀".repeat(101))))).toEqual(["/name"]);
  });

  it("needs 1 to 32 stages", async () => {
    expect(pathsOf(await errorsFor(pipelineBody("x", { stages: [] })))).toEqual(["/stages"]);
    const many = Array.from({ length: 33 }, (_, i) => stage(`s${i}`));
    expect(pathsOf(await errorsFor(pipelineBody("x", { stages: many })))).toEqual(["/stages"]);
    expect(pathsOf(await errorsFor({ name: "x" }))).toEqual(["/stages"]);
  });

  it("checks every stage field and lists every failure at once", async () => {
    const errors = await errorsFor(
      pipelineBody("x", {
        stages: [
          {
            name: "",
            stageType: "zip",
            algorithm: "-bad",
            enabled: "yes",
            parallelProcessing: 1,
            chunkSize: 1023,
            parameters: { "bad key": "v" },
            extra: true,
          },
          stage("b", "checksum", "md5", { chunkSize: 104857601, order: 5 }),
          stage("c", "encryption", "aes-256-gcm"),
          stage("d", "encryption", "chacha20-poly1305"),
          stage("c", "transform", "Upper"),
          stage("f", "passthrough", "a--b"),
          stage("g", "transform", "ends-"),
          stage("h", "transform", "a".repeat(65)),
        ],
      }),
    );
    expect(pathsOf(errors)).toEqual(
      [
        "/stages/0/name",
        "/stages/0/stageType",
        "/stages/0/algorithm",
        "/stages/0/enabled",
        "/stages/0/parallelProcessing",
        "/stages/0/chunkSize",
        "/stages/0/parameters/bad key",
        "/stages/0/extra",
        "/stages/1/algorithm",
        "/stages/1/chunkSize",
        "/stages/1/order",
        "/stages/3/stageType",
        "/stages/4/name",
        "/stages/4/algorithm",
        "/stages/5/algorithm",
        "/stages/6/algorithm",
        "/stages/7/algorithm",
      ].sort(),
    );
  });

  it("allows repeated types other than compression and encryption, and order equal to the position", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", {
      body: pipelineBody("ok", {
        stages: [
          stage("a", "transform", "x", { order: 0 }),
          stage("b", "transform", "y-2", { order: 1 }),
          stage("c", "compression", "lz4", { chunkSize: 1024 }),
          stage("d", "checksum", "blake3", { chunkSize: 104857600 }),
        ],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body.stages.map((s: { order: number }) => s.order)).toEqual([0, 1, 2, 3]);
  });

  it("bounds configuration and parameters", async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(pathsOf(await errorsFor(pipelineBody("x", { configuration: tooMany })))).toEqual(["/configuration"]);
    const badValues = { ok: "v".repeat(4096), long: "v".repeat(4097), number: 1, ["k".repeat(65)]: "v", "": "v", "a/b": "v" };
    expect(pathsOf(await errorsFor(pipelineBody("x", { configuration: badValues })))).toEqual(
      ["/configuration/long", "/configuration/number", `/configuration/${"k".repeat(65)}`, "/configuration/", "/configuration/a~1b"].sort(),
    );
  });

  it("rejects members a client may not set", async () => {
    const errors = await errorsFor({
      ...pipelineBody("x"),
      id: "01JD3ZK5Q8W7V6T5S4R3P2N1M0",
      version: 3,
      archived: true,
      createdAt: "x",
      updatedAt: "y",
    });
    expect(pathsOf(errors)).toEqual(["/archived", "/createdAt", "/id", "/updatedAt", "/version"]);
    const stageWithId = pipelineBody("x", { stages: [stage("a", "transform", "t", { id: "01JD3ZK5Q8W7V6T5S4R3P2N1M0" })] });
    expect(pathsOf(await errorsFor(stageWithId))).toEqual(["/stages/0/id"]);
  });

  it("rejects a PUT whose stage ids are not this pipeline's stages", async () => {
    const { id } = await createPipeline("mine");
    const other = await createPipeline("theirs");
    const body = pipelineBody("mine", { stages: [{ ...stage("a"), id: other.stages[0].id }] });
    expect(pathsOf(await errorsFor(body, "PUT", `/v1/workspaces/default/pipelines/${id}`))).toEqual(["/stages"]);
    const twice = pipelineBody("mine", {
      stages: [
        { ...stage("a"), id: other.stages[0].id },
        { ...stage("b"), id: other.stages[0].id },
      ],
    });
    expect(pathsOf(await errorsFor(twice, "PUT", `/v1/workspaces/default/pipelines/${id}`))).toEqual(["/stages/1/id"]);
  });

  it("rejects a PATCH that would leave more than 64 configuration entries", async () => {
    const { id } = await createPipeline("full", {
      configuration: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, "v"])),
    });
    expect(pathsOf(await errorsFor({ configuration: { one: "more" } }, "PATCH", `/v1/workspaces/default/pipelines/${id}`))).toEqual([
      "/configuration",
    ]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body.version).toBe(1);
  });
});

describe("request bodies", () => {
  it("gives 400 for malformed JSON and for a body that is not an object", async () => {
    const malformed = await call("POST", "/v1/workspaces/default/pipelines", { body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toContain("malformed-json");
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: "" })).status).toBe(400);
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: "[]" })).status).toBe(400);
    expect((await call("POST", "/v1/workspaces/default/pipelines", { body: "null" })).status).toBe(400);
  });

  it("never takes a JSON array for an object (valibot's object and record schemas would)", async () => {
    const { id } = await createPipeline("arrays");
    const patch = await call("PATCH", `/v1/workspaces/default/pipelines/${id}`, { body: [] });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([{ path: "", message: "must be an object, not an array" }]);
    expect(pathsOf(await errorsFor({ configuration: ["x"] }, "PATCH", `/v1/workspaces/default/pipelines/${id}`))).toEqual([
      "/configuration",
    ]);
    const nested = pipelineBody("x", { configuration: ["prod"], stages: [stage("a", "transform", "t", { parameters: ["3"] }), ["b"]] });
    expect(pathsOf(await errorsFor(nested))).toEqual(expect.arrayContaining(["/configuration", "/stages/0/parameters", "/stages/1"]));
    expect(pathsOf(await errorsFor({ pipelines: [[]] }, "POST", "/v1/workspaces/default/pipelines/import"))).toContain("/pipelines/0");
    expect((await call("POST", "/v1/workspaces/default/archive-runs", { body: [] })).status).toBe(400);
    expect((await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: [] })).status).toBe(400);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body).toMatchObject({
      version: 1,
      configuration: { env: "prod" },
    });
    expect((await call("GET", "/v1/workspaces/default/archive-runs")).body.data).toEqual([]);
  });

  it("refuses strings that are not well-formed Unicode (stored, they would come back changed)", async () => {
    const lone =
      '{"name":"lone \\ud800","configuration":{"k":"v\\udc00","ok":"\\ud83d\\ude80"},"stages":[{"name":"s","stageType":"transform","algorithm":"t","parameters":{"p":"\\udbff"}}]}';
    expect(pathsOf(await errorsFor(lone))).toEqual(["/configuration/k", "/name", "/stages/0/parameters/p"]);
    const { id } = await createPipeline("well-formed", { configuration: { ok: "🚀" } });
    expect(pathsOf(await errorsFor('{"configuration":{"k":"\\ud800x"}}', "PATCH", `/v1/workspaces/default/pipelines/${id}`))).toEqual([
      "/configuration/k",
    ]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body).toMatchObject({ version: 1, configuration: { ok: "🚀" } });
  });

  it("keeps the valid keys __proto__, prototype and constructor, and refuses them as members", async () => {
    // Raw JSON: JSON.parse makes "__proto__" an own member, as a client's body does.
    const keys = '{"__proto__":"a","prototype":"b","constructor":"c"}';
    const raw = `{"name":"keys","configuration":${keys},"stages":[{"name":"s","stageType":"transform","algorithm":"t","parameters":${keys}}]}`;
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: raw });
    expect(created.status).toBe(201);
    expect(created.text).toContain(`"configuration":${keys}`);
    expect(created.text).toContain(`"parameters":${keys}`);
    const fetched = (await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`)).body;
    const stored = [
      ["__proto__", "a"],
      ["constructor", "c"],
      ["prototype", "b"],
    ];
    expect(Object.entries(fetched.configuration).sort()).toEqual(stored);
    expect(Object.entries(fetched.stages[0].parameters).sort()).toEqual(stored);
    const patched = await call("PATCH", `/v1/workspaces/default/pipelines/${created.body.id}`, {
      body: '{"configuration":{"__proto__":null,"constructor":"d"}}',
    });
    expect(Object.entries(patched.body.configuration).sort()).toEqual([
      ["constructor", "d"],
      ["prototype", "b"],
    ]);
    for (const member of ["__proto__", "prototype", "constructor"]) {
      const reply = await call("POST", "/v1/workspaces/default/pipelines", {
        body: `{"name":"m","stages":[{"name":"s","stageType":"transform","algorithm":"t"}],"${member}":{}}`,
      });
      expect(reply.body.errors, member).toEqual([{ path: `/${member}`, message: "unknown member; it cannot be set" }]);
    }
    const sixtyFive = `{"constructor":"v",${Array.from({ length: 64 }, (_, i) => `"k${i}":"v"`).join(",")}}`;
    expect(
      pathsOf(await errorsFor(`{"name":"n","configuration":${sixtyFive},"stages":[{"name":"s","stageType":"transform","algorithm":"t"}]}`)),
    ).toEqual(["/configuration"]);
    expect(
      pathsOf(
        await errorsFor('{"name":"n","configuration":{"constructor":5},"stages":[{"name":"s","stageType":"transform","algorithm":"t"}]}'),
      ),
    ).toEqual(["/configuration/constructor"]);
  });

  it("gives 415 for a write without a JSON content type", async () => {
    const reply = await call("POST", "/v1/workspaces/default/pipelines", {
      body: JSON.stringify(pipelineBody("x")),
      contentType: "text/plain",
    });
    expect(reply.status).toBe(415);
    expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
    const noType = await call("POST", "/v1/workspaces/default/pipelines", { body: JSON.stringify(pipelineBody("x")), contentType: "" });
    expect(noType.status).toBe(415);
    const merge = await call("POST", "/v1/workspaces/default/pipelines", {
      body: pipelineBody("x"),
      contentType: "application/merge-patch+json",
    });
    expect(merge.status).toBe(415);
    const charset = await call("POST", "/v1/workspaces/default/pipelines", {
      body: pipelineBody("x"),
      contentType: "application/json; charset=utf-8",
    });
    expect(charset.status).toBe(201);
  });

  it("gives 413 for a body over 256 KiB, with or without Content-Length", async () => {
    const huge = JSON.stringify(pipelineBody("x", { configuration: { big: "v".repeat(300 * 1024) } }));
    const reply = await call("POST", "/v1/workspaces/default/pipelines", { body: huge });
    expect(reply.status).toBe(413);
    expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
    const stream = new Blob([huge]).stream();
    const { exports } = await import("cloudflare:workers");
    const chunked = await exports.default.fetch(
      new Request("https://registry.test/v1/workspaces/default/pipelines", {
        method: "POST",
        headers: { Authorization: "Bearer test-admin-token", "Content-Type": "application/json" },
        body: stream,
        // @ts-expect-error: needed for a streamed body, not in the type
        duplex: "half",
      }),
    );
    expect(chunked.status).toBe(413);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 0 });
  });

  it("keeps the largest body the limits allow: 32 stages of 64 parameters", async () => {
    const parameters = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`param.${i}`, "v".repeat(80)]));
    const stages = Array.from({ length: 32 }, (_, i) => stage(`stage-${i}`, "transform", `t${i}`, { parameters }));
    const body = pipelineBody("largest", { stages });
    expect(JSON.stringify(body).length).toBeLessThan(256 * 1024);
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body });
    expect(created.status).toBe(201);
    const fetched = await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);
    expect(fetched.body.stages[31].parameters).toEqual(parameters);
  });
});
