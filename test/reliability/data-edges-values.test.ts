import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { names, utf8Length, walk } from "../support/data-edges";
import { call, createPipeline, metricsBody, stage } from "../support/http";

/**
 * The edges of the data, values: values at their maximum sizes, metrics at their bounds, and
 * configuration filters with characters that need escaping. Everything must come back exactly as written.
 */

beforeEach(() => resetDatabase());

describe("values at their maximum size", () => {
  /** 64 keys of 64 characters, values at 4096 UTF-16 units in one-, two- and four-byte characters, and awkward ones. */
  const KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
  const key = (i: number) => `${KEY_CHARS[i] ?? "x"}${"._-".charAt(i % 3)}`.padEnd(64, KEY_CHARS.charAt(63 - i));
  const VALUES = [
    "a".repeat(4096),
    "é".repeat(4096),
    "😀".repeat(2048),
    // Every control character but U+0000, which no backend stores (PostgreSQL's text cannot): refused, see below.
    "\u0001\t\n\r\u007f\u001f control characters",
    `'"\\ quotes and backslashes \`\${}\``,
    "",
    " leading and trailing white space ",
    "%_*?[]^$ wildcards of every kind",
  ];
  const configuration = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [key(i), VALUES[i % VALUES.length] as string]));

  it("64 entries with 64-character keys and 4096-unit values, 100-character names, 64-character algorithms: exact", async () => {
    const longName = `${"n".repeat(50) + "ñ".repeat(49)}😀`;
    const algorithm = `a${"-b1".repeat(21)}`; // 64 characters, single hyphens
    expect(algorithm).toHaveLength(64);
    const params = Object.fromEntries(Object.entries(configuration).slice(0, 20));
    const body = {
      name: longName,
      configuration,
      stages: [
        { ...stage(`${"s".repeat(99)}😀`, "transform", algorithm), chunkSize: 1024, parameters: params },
        { ...stage("ü".repeat(100), "compression", "brotli"), chunkSize: 104_857_600, enabled: false, parallelProcessing: true },
      ],
    };
    expect(utf8Length(JSON.stringify(body))).toBeLessThanOrEqual(256 * 1024);
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const fetched = (await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`)).body;
    expect(fetched).toEqual(created.body);
    expect(fetched.name).toBe(longName);
    expect(fetched.configuration).toEqual(configuration);
    expect(fetched.stages[0]).toMatchObject({ name: body.stages[0]?.name, algorithm, chunkSize: 1024, parameters: params });
    expect(fetched.stages[1]).toMatchObject({
      name: "ü".repeat(100),
      chunkSize: 104_857_600,
      enabled: false,
      parallelProcessing: true,
      parameters: {},
    });
    // Each value is found by its own exact value, the longest ones included.
    for (const value of VALUES) {
      const count = await call(
        "GET",
        `/v1/workspaces/default/pipelines/count?config.${key(VALUES.indexOf(value))}=${encodeURIComponent(value)}`,
      );
      expect(count.body, JSON.stringify(value.slice(0, 20))).toEqual({ count: 1 });
    }
  });

  it("one unit over a limit is a 400 naming the field, multi-byte characters counted as the contract counts them", async () => {
    const over = {
      name: "over",
      configuration: { emoji: `${"😀".repeat(2048)}x`, accents: "é".repeat(4097), [key(0).padEnd(65, "k")]: "v" },
      stages: [{ ...stage("s", "transform", `a${"b".repeat(64)}`), chunkSize: 104_857_601 }],
    };
    const reply = await call("POST", "/v1/workspaces/default/pipelines", { body: over });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      [
        "/configuration/accents",
        "/configuration/emoji",
        `/configuration/${key(0).padEnd(65, "k")}`,
        "/stages/0/algorithm",
        "/stages/0/chunkSize",
      ].sort(),
    );
  });

  it("U+0000 anywhere, in a body, a filter or a name query, is a 400 naming where, and nothing is stored", async () => {
    const body = {
      name: "nul",
      configuration: { ok: "fine", bad: "a\u0000b" },
      stages: [{ ...stage("s\u0000", "transform", "custom"), parameters: { p: "\u0000" } }],
    };
    const reply = await call("POST", "/v1/workspaces/default/pipelines", { body });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ["/configuration/bad", "/stages/0/name", "/stages/0/parameters/p"].sort(),
    );
    expect((await call("GET", "/v1/workspaces/default/pipelines/count?name=nul")).body).toEqual({ count: 0 });
    for (const query of ["name=a%00b", "config.k=a%00b"]) {
      const listed = await call("GET", `/v1/workspaces/default/pipelines?${query}`);
      expect(listed.status, query).toBe(400);
      expect(listed.body.errors[0].message, query).toContain("U+0000");
    }
  });

  it("metrics at their bounds come back exactly, times normalised to UTC milliseconds", async () => {
    const { id } = await createPipeline("metered");
    const input = metricsBody({
      bytesProcessed: Number.MAX_SAFE_INTEGER,
      bytesTotal: Number.MAX_SAFE_INTEGER,
      chunksProcessed: 0,
      chunksTotal: 0,
      processingDurationMs: 0,
      throughputBytesPerSecond: Number.MAX_VALUE,
      compressionRatio: 5e-324,
      errorCount: Number.MAX_SAFE_INTEGER,
      startTime: "1969-12-31T23:59:59.999Z",
      endTime: "1970-01-01T01:00:00.123456+01:00",
      inputFileChecksum: "😀".repeat(64),
      outputFileChecksum: "c".repeat(128),
    });
    const put = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: input });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ ...input, startTime: "1969-12-31T23:59:59.999Z", endTime: "1970-01-01T00:00:00.123Z" });
    const got = await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`);
    expect(got.body).toEqual(put.body);
    const zero = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, {
      body: metricsBody({ startTime: "1970-01-01T00:00:00Z", endTime: "1970-01-01T00:00:00Z", compressionRatio: 0 }),
    });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`)).body).toEqual(zero.body);
    expect(zero.body).toMatchObject({ startTime: "1970-01-01T00:00:00.000Z", endTime: "1970-01-01T00:00:00.000Z", compressionRatio: 0 });
  });
});

describe("configuration filters with characters that need escaping", () => {
  /** Values that differ only where escaping could go wrong; each pipeline holds one per key. */
  const CONFIGS: Record<string, Record<string, string>> = {
    alpha: {
      pct: "50%",
      under: "a_c",
      quote: `it's "q"`,
      eq: "a=b",
      plus: "a+b",
      amp: "x&y=z",
      hash: "#t?q=1/2",
      back: "c:\\p",
      uni: "é😀",
      empty: "",
      "dots.in.key": "v",
      "config.nested": "n",
      shared: "a&b=c%_+ é",
    },
    bravo: {
      pct: "50x",
      under: "abc",
      quote: "its q",
      eq: "a",
      plus: "a b",
      amp: "x",
      hash: "t",
      back: "c:/p",
      uni: "e\u0301😀",
      empty: "x",
      dots: "in.key",
      shared: "a&b=c%_+ é",
    },
    charlie: {
      pct: "%",
      under: "_",
      quote: "'",
      eq: "=",
      plus: "+",
      amp: "&",
      hash: "#",
      back: "\\",
      uni: "😀",
      "dots.in": "key",
      shared: "a&b=c%_+ é",
    },
  };

  const matching = (key: string, value: string) => Object.keys(CONFIGS).filter((name) => CONFIGS[name]?.[key] === value);

  it("list and count match exact values only, with any encoding of the query", async () => {
    for (const [name, configuration] of Object.entries(CONFIGS)) await createPipeline(name, { configuration });
    const pairs = Object.values(CONFIGS).flatMap((c) => Object.entries(c));
    for (const [key, value] of pairs) {
      const query = new URLSearchParams({ [`config.${key}`]: value }).toString();
      const expected = matching(key, value);
      const context = `config.${key}=${JSON.stringify(value)} as ${query}`;
      const listed = await call("GET", `/v1/workspaces/default/pipelines?${query}`);
      expect(names(listed), context).toEqual(expected);
      for (const pipeline of listed.body.data) expect(pipeline.configuration, context).toEqual(CONFIGS[pipeline.name]);
      expect((await call("GET", `/v1/workspaces/default/pipelines/count?${query}`)).body, context).toEqual({ count: expected.length });
      // encodeURIComponent (spaces as %20) means the same.
      const strict = `config.${key}=${encodeURIComponent(value)}`;
      expect(names(await call("GET", `/v1/workspaces/default/pipelines?${strict}`)), strict).toEqual(expected);
    }
    // A raw "+" is a space, "%2B" a plus; "=" after the first is part of the value.
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.plus=a+b"))).toEqual(["bravo"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.plus=a%2Bb"))).toEqual(["alpha"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.eq=a=b"))).toEqual(["alpha"]);
    // % and _ are no wildcards, an empty value is not a missing key, keys with dots are whole keys.
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.pct=%25"))).toEqual(["charlie"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.under=_"))).toEqual(["charlie"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.empty="))).toEqual(["alpha"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.dots=in.key"))).toEqual(["bravo"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.dots.in=key"))).toEqual(["charlie"]);
    expect(names(await call("GET", "/v1/workspaces/default/pipelines?config.config.nested=n"))).toEqual(["alpha"]);
    // Several filters are ANDed, whatever they contain.
    const both = new URLSearchParams({ "config.shared": "a&b=c%_+ é", "config.quote": `it's "q"` }).toString();
    expect(names(await call("GET", `/v1/workspaces/default/pipelines?${both}`))).toEqual(["alpha"]);
    expect((await call("GET", `/v1/workspaces/default/pipelines/count?${both}`)).body).toEqual({ count: 1 });
  });

  it("keyset cursors carry such filters from page to page", async () => {
    for (const [name, configuration] of Object.entries(CONFIGS)) await createPipeline(name, { configuration });
    await createPipeline("delta", { configuration: { shared: "a&b=c%_+ e" } });
    const query = new URLSearchParams({ "config.shared": "a&b=c%_+ é", limit: "1" }).toString();
    expect(await walk(`/v1/workspaces/default/pipelines?${query}`)).toEqual(["alpha", "bravo", "charlie"]);
    expect(await walk(`/v1/workspaces/default/pipelines?${query}&sort=-createdAt`)).toEqual(["charlie", "bravo", "alpha"]);
  });
});
