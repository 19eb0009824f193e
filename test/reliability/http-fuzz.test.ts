import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetDatabase } from "../support/backend";
import { type Dump, dumpDatabase, rowCounts } from "../support/dump";
import { ADMIN_TOKEN, BASE, call, createPipeline, metricsBody, pipelineBody, stage } from "../support/http";
import { propertyParameters, propertyTimeout } from "../support/properties";

/**
 * HTTP fuzzing: every endpoint gets generated bad requests, each built from a request that
 * would succeed (and, for a write, change the database) plus one thing that makes it wrong:
 * a bad or missing token, an invalid body (wrong types, missing and unknown members, huge and
 * unicode strings, control characters, deep nesting, invalid JSON, too large), a wrong content
 * type, a bad id, a bad If-Match or Idempotency-Key, a bad query or cursor. Garbage in
 * X-Request-Id and other headers rides along. Every answer must be the status its spoiling
 * calls for, as a problem+json of at most 64 KiB with the request id (HEAD: no body), and the
 * database must be byte for byte what it was. The last test sends the unspoiled requests to
 * show they were valid.
 */

const RUNS_PER_ENDPOINT = 40;
const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const MAX_PROBLEM_BYTES = 64 * 1024;

interface Seeded {
  active: { id: string; version: number; stageId: string };
  /** A key with the read scope only, and a revoked admin key. */
  readKey: string;
  revokedKey: string;
  apiKeyId: string;
  archived: { id: string; version: number };
  /** A real cursor of `GET /v1/pipelines?limit=1` (sorted by name). */
  cursor: string;
}
let seeded: Seeded;
/** The database as the last request left it: what the next refused request must leave. */
let current: Dump;

/** Each test starts from the same small data set (so one test's failure cannot spoil the next). */
beforeEach(async () => {
  // The archive run of the data set logs a line per run; errors stay visible.
  vi.spyOn(console, "log").mockImplementation(() => {});
  await resetDatabase();
  const active = await createPipeline("fuzz-active", { configuration: { env: "prod", "dots.key": "50%_off" } });
  await createPipeline("fuzz-other");
  const archived = await createPipeline("fuzz-archived");
  expect((await call("POST", `/v1/pipelines/${archived.id}/archive`)).status).toBe(200);
  expect((await call("PUT", `/v1/pipelines/${active.id}/metrics`, { body: metricsBody() })).status).toBe(200);
  const keyed = await call("POST", "/v1/pipelines", { body: pipelineBody("fuzz-keyed"), headers: { "Idempotency-Key": "fuzz-key" } });
  expect(keyed.status).toBe(201);
  expect((await call("POST", "/v1/archive-runs", { body: { olderThanDays: 30 } })).status).toBe(200);
  const page = await call("GET", "/v1/pipelines?limit=1");
  const readKey = await call("POST", "/v1/api-keys", { body: { name: "fuzz reader", scopes: ["read"] } });
  const revoked = await call("POST", "/v1/api-keys", { body: { name: "fuzz revoked", scopes: ["admin"] } });
  expect((await call("DELETE", `/v1/api-keys/${revoked.body.id}`)).status).toBe(204);
  seeded = {
    readKey: readKey.body.key,
    revokedKey: revoked.body.key,
    apiKeyId: readKey.body.id,
    active: { id: active.id, version: 1, stageId: active.stages[0].id },
    archived: { id: archived.id, version: 2 },
    cursor: page.body.nextCursor,
  };
  current = await dumpDatabase();
});
afterEach(() => {
  vi.restoreAllMocks();
});

// ---- requests ----

interface Spec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The statuses the spoiling calls for (the valid request itself expects none). */
  expected?: readonly number[];
}

/** Marks every request a mutation makes with the status it must get. */
const expecting = (expected: readonly number[], mutation: (spec: Spec) => fc.Arbitrary<Spec>) => (spec: Spec) =>
  mutation(spec).map((spoiled) => ({ ...spoiled, expected }));

/** A Request, or null when the platform refuses to build it (e.g. a header value it rejects). */
function toRequest(spec: Spec): Request | null {
  try {
    return new Request(`${BASE}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body });
  } catch {
    return null;
  }
}

const LEAKS = [/SQLITE/i, /\bD1_/, /\bSELECT\b/, /\bINSERT\b/, /\bUPDATE\b.*\bSET\b/, /\n\s+at\s/, /\.ts:\d+/, /guard:/];

async function expectRefusedWithoutChange(spec: Spec) {
  const request = toRequest(spec);
  // spoiled() only makes requests the platform builds: each one is sent and checked.
  if (request === null) throw new Error(`unbuildable request generated: ${JSON.stringify(spec).slice(0, 300)}`);
  const sentRequestId = request.headers.get("X-Request-Id");
  const before = current;
  const response = await exports.default.fetch(request);
  const text = await response.text();
  // Read the database before any assertion, so a failing request is the one blamed for a change.
  const after = await dumpDatabase();
  current = after;
  const context = `${spec.method} ${spec.path.slice(0, 200)} ${JSON.stringify(spec.headers).slice(0, 300)} body ${(spec.body ?? "").slice(0, 300)}\n-> ${response.status} ${text.slice(0, 500)}`;
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    expect({ counts: rowCounts(after), after }, `the database changed: ${context}`).toEqual({ counts: rowCounts(before), after: before });
  }
  expect(spec.expected, context).toContain(response.status);
  expect(new TextEncoder().encode(text).length, context).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
  const requestId = response.headers.get("X-Request-Id") ?? "";
  expect(requestId, context).toMatch(VISIBLE_ASCII);
  if (sentRequestId !== null && VISIBLE_ASCII.test(sentRequestId)) expect(requestId, context).toBe(sentRequestId);
  else expect(requestId, context).not.toBe(sentRequestId);
  if (spec.method !== "HEAD") {
    expect(response.headers.get("Content-Type"), context).toBe("application/problem+json");
    const problem = JSON.parse(text);
    expect(problem, context).toMatchObject({ status: response.status, requestId });
    for (const member of ["type", "title", "detail"]) expect(typeof problem[member], context).toBe("string");
    for (const leak of LEAKS) expect(text, context).not.toMatch(leak);
  }
}

// ---- generated garbage ----

/** Any characters, lone surrogates and control characters included. */
const anyText = fc.string({ unit: "binary", maxLength: 40 });
const hugeText = fc
  .tuple(fc.constantFrom("x", "é", "😀", "\u0000", "\u202e", "e\u0301"), fc.integer({ min: 4097, max: 200_000 }))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));
/** Arrays and objects nested up to 3000 deep. */
const deeplyNested = fc.tuple(fc.integer({ min: 2, max: 3000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
  deeplyNested,
);
const notAnObject = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 5 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 2 }),
  deeplyNested.filter(Array.isArray),
);
const notABoolean = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), fc.object({ maxDepth: 0 }));
/** Text with an unpaired surrogate: valid JSON ("\ud800"), not storable Unicode. */
const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 5 }), fc.constantFrom("\ud800", "\udfff", "\ud83d"), fc.string({ maxLength: 5 }))
  .map(([a, s, b]) => `x${a}${s}${/^[\udc00-\udfff]/.test(b) ? `y${b}` : b}`);
/** Strings that are not a valid name: empty, too long, control characters, outer white space, unpaired surrogates. */
const badName = fc.oneof(
  fc.constant(""),
  hugeText.map((s) =>
    Array.from(s)
      .slice(0, 101 + (s.length % 300))
      .join(""),
  ),
  fc.constantFrom("😀".repeat(101), "a".repeat(101)),
  fc.tuple(anyText, fc.integer({ min: 0, max: 31 }), anyText).map(([a, c, b]) => `n${a}${String.fromCharCode(c)}${b}n`),
  fc.tuple(fc.constantFrom(" ", "\t", "\u00a0", "\u3000", "\n"), anyText).map(([w, s]) => `${w}x${s}`),
  fc.tuple(anyText, fc.constantFrom(" ", "\t", "\u2003")).map(([s, w]) => `x${s}${w}`),
  loneSurrogate,
  notAString,
);
const badKey = fc.oneof(
  fc.constantFrom("", "a b", "é", "k".repeat(65), "a/b", "a~b", "%", "a=b", "😀", "\u0000"),
  anyText.filter((k) => !/^[A-Za-z0-9_.-]{1,64}$/.test(k)),
);
const badValue = fc.oneof(notAString, hugeText, loneSurrogate);
/** A string map (configuration, parameters) that breaks a rule. */
const badMap = (valid: Record<string, string>, nullable = false) =>
  fc.oneof(
    nullable ? notAnObject : fc.oneof(notAnObject, fc.constant(null)),
    fc.tuple(badKey, fc.string({ maxLength: 5 })).map(([k, v]) => ({ ...valid, [k]: v })),
    badValue.filter((v) => !(nullable && v === null)).map((v) => ({ ...valid, env: v })),
    fc.constant(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]))),
  );
const badAlgorithm = fc.oneof(fc.constantFrom("", "Zstd", "-x", "x-", "a--b", "1abc", "a".repeat(65), "md5", "a b", "é"), notAString);
/** Stage names have only a length rule (1 to 100 code points). */
const badStageName = fc.oneof(fc.constant(""), fc.constantFrom("😀".repeat(101), "s".repeat(101), "\u0000".repeat(150)), notAString);
const badStage = (base: Record<string, unknown>) =>
  fc.oneof(
    badStageName.map((name) => ({ ...base, name })),
    fc.oneof(fc.constantFrom("zip", "", "Compression", "compression "), notAString).map((stageType) => ({ ...base, stageType })),
    badAlgorithm.map((algorithm) => ({ ...base, algorithm })),
    notABoolean.map((enabled) => ({ ...base, enabled })),
    notABoolean.map((parallelProcessing) => ({ ...base, parallelProcessing })),
    fc
      .constantFrom(1023, 104_857_601, 1024.5, -1, 0, "1024", true, 2 ** 60, [2048], { size: 2048 })
      .map((chunkSize) => ({ ...base, chunkSize })),
    fc.constantFrom(-1, 1.5, 7, "0", null).map((order) => ({ ...base, order })),
    badMap({}).map((parameters) => ({ ...base, parameters })),
    fc
      .constantFrom("name", "stageType", "algorithm")
      .map((missing) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== missing))),
    unknownMember(Object.keys(base).concat("id", "enabled", "parallelProcessing", "chunkSize", "order", "parameters")).map(([k, v]) => ({
      ...base,
      [k]: v,
    })),
  );

/** A member name the schema does not know, with any value. */
function unknownMember(known: string[]) {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom("id", "version", "archived", "createdAt", "updatedAt", "__proto__", "constructor", "Name", "name "),
        anyText,
      ),
      // JSON values only: an undefined member would vanish from the body, leaving it valid.
      fc.jsonValue({ maxDepth: 2 }),
    )
    .filter(([k]) => !known.includes(k));
}

/** Up to 80,000 `{}` (a body just under 256 KiB): one issue on the bound, never one per item. */
const hugeArrayOfEmptyObjects = fc.integer({ min: 33, max: 80_000 }).map((n) => Array.from({ length: n }, () => ({})));
/** Times that pass a loose check but name no instant, or carry an offset RFC 3339 does not write. */
const oddTime = fc.constantFrom(
  "2023-01-01T00:00:00+23",
  "2023-01-01T00:00:00 +05:00",
  "2023-02-31T00:00:00Z",
  "2023-02-29T12:00:00Z",
  "2023-01-01T24:00:00Z",
  "2023-01-01T00:00:60Z",
  "2023-01-01T00:00:00+24:00",
  "2023-01-01T00:00:00",
  "0000-01-01T00:00:00+00:01",
);

const validStage = { name: "compress", stageType: "compression", algorithm: "zstd", parameters: { level: "3" } };

/** Bodies of POST /v1/pipelines and PUT: a valid pipeline with one thing wrong. */
function badPipeline(valid: Record<string, unknown>, extraKnown: string[] = []) {
  const stages = valid.stages as Record<string, unknown>[];
  return fc.oneof(
    badName.map((name) => ({ ...valid, name })),
    badMap(valid.configuration as Record<string, string>).map((configuration) => ({ ...valid, configuration })),
    fc
      .oneof(
        fc.constant([]),
        notAnObject.filter((v) => !Array.isArray(v)),
        fc.constant(Array.from({ length: 33 }, (_, i) => stage(`s${i}`))),
        hugeArrayOfEmptyObjects,
      )
      .map((s) => ({ ...valid, stages: s })),
    fc
      .tuple(fc.nat(stages.length - 1), fc.constant(null))
      .chain(([i]) =>
        badStage(stages[i] as Record<string, unknown>).map((bad) => ({ ...valid, stages: stages.map((s, j) => (j === i ? bad : s)) })),
      ),
    // Cross-stage rules: a repeated stage name, compression after compression, a disallowed algorithm.
    fc
      .constantFrom(
        [validStage, { ...validStage, stageType: "transform", algorithm: "t" }],
        [validStage, { ...validStage, name: "again" }],
        [{ ...validStage, algorithm: "sha256" }],
      )
      .map((s) => ({ ...valid, stages: s })),
    fc.constantFrom("name", "stages").map((missing) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== missing))),
    unknownMember(["name", "configuration", "stages", ...extraKnown]).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constant({ ...valid, name: "fuzz-other" }), // taken by an active pipeline: 409
  );
}

const countArb = fc.constantFrom(-1, 1.5, "1", null, 2 ** 53, Number.MAX_VALUE, true);
const badMetrics = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          "bytesProcessed",
          "bytesTotal",
          "chunksProcessed",
          "chunksTotal",
          "processingDurationMs",
          "errorCount",
          "warningCount",
          "inputFileSizeBytes",
          "outputFileSizeBytes",
        ),
        countArb,
      )
      .map(([k, v]) => ({ ...valid, [k]: v })),
    fc
      .tuple(fc.constantFrom("throughputBytesPerSecond", "compressionRatio"), fc.constantFrom(-1, -0.5, "1", true))
      .map(([k, v]) => ({ ...valid, [k]: v })),
    fc
      .constantFrom(
        { bytesProcessed: 21, bytesTotal: 20 },
        { chunksProcessed: 3, chunksTotal: 2 },
        { startTime: "2026-11-26T12:00:01Z", endTime: "2026-11-26T12:00:00Z" },
        { startTime: "yesterday" },
        { endTime: "2026-13-01T00:00:00Z" },
        { endTime: "2026-11-26T12:00:00.000+25:00" },
        { startTime: 1764158400000 },
        { inputFileChecksum: "c".repeat(129) },
        { outputFileChecksum: 42 },
        { throughputBytesPerSecond: null },
      )
      .map((change) => ({ ...valid, ...change })),
    fc
      .tuple(fc.constantFrom("startTime", "endTime"), oddTime)
      .map(([k, time]) => ({ ...valid, startTime: null, endTime: null, [k]: time })),
    fc
      .constantFrom("bytesProcessed", "throughputBytesPerSecond", "errorCount")
      .map((missing) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== missing))),
    unknownMember(Object.keys(valid)).map(([k, v]) => ({ ...valid, [k]: v })),
  );

/** Text that is not JSON at all, or JSON that is not an object. */
const notJsonObjectText = fc.oneof(
  fc.constantFrom(
    "{",
    '{"name":',
    "nul",
    "[1,]",
    "{'a':1}",
    "NaN",
    '{"a":1}}',
    "\u0000",
    '{"a":1,}',
    "\ufeff\ufeff{}",
    '{"a":"\\x"}',
    "[]",
    "null",
    "0",
    '"x"',
    "true",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter((s) => {
    try {
      const value = JSON.parse(s);
      return typeof value !== "object" || value === null || Array.isArray(value);
    } catch {
      return true;
    }
  }),
);

/** Content types that are not JSON's (the media type before any parameters, case-insensitive). */
const wrongContentType = (accepted: string[]) =>
  fc
    .oneof(
      fc.constantFrom(
        "text/plain",
        "application/xml",
        "application/json-patch+json",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "json",
        "application/jsonx",
        "application/problem+json",
        "application/merge-patch+json",
        "*/*",
      ),
      fc.string({ maxLength: 30 }),
    )
    .filter((type) => !accepted.includes(type.split(";")[0]?.trim().toLowerCase() ?? ""));

/**
 * Header garbage: ASCII with control characters, white space and overlong values (a value
 * the platform refuses to build, such as one with CR or LF, is skipped). Non-ASCII is left
 * out: a client cannot send it (browsers throw), and workerd only warns and sends UTF-8.
 */
const headerGarbage = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x01, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.integer({ min: 129, max: 8000 }).map((n) => "r".repeat(n)),
  fc.constantFrom("", " ", "a b", "\t", "\u0001", "\u007f"),
);

const badAuthorization = fc
  .oneof(
    headerGarbage,
    fc.constantFrom(
      "Bearer",
      "Bearer ",
      "Basic dGVzdDp0ZXN0",
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(1)}`,
      `Bearer ${ADMIN_TOKEN.toUpperCase()}`,
      `Bearer ${ADMIN_TOKEN} extra`,
      `Token ${ADMIN_TOKEN}`,
      `Bearer\t${ADMIN_TOKEN}`,
      `Bearer "${ADMIN_TOKEN}"`,
    ),
    fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
  )
  .filter((value) => !new RegExp(`^\\s*bearer +${ADMIN_TOKEN} *\\s*$`, "i").test(value));

const badId = fc.oneof(
  fc.constantFrom(
    "not-a-ulid",
    "01jd3zk5q8w7v6t5s4r3p2n1m0",
    "01JD3ZK5Q8W7V6T5S4R3P2N1M",
    "01JD3ZK5Q8W7V6T5S4R3P2N1M00",
    "81JD3ZK5Q8W7V6T5S4R3P2N1M0",
    "01JD3ZK5Q8W7V6T5S4R3P2N1MU",
    "01JD3ZK5Q8W7V6T5S4R3P2N1M0",
    "%00",
    "..",
    "%2e%2e",
    "import",
    "😀",
    "%F0%9F%98%80",
    "a%2Fb",
    "'; DROP TABLE pipelines; --",
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

/** What a non-matching If-Match gets: 400 unless it is a list of entity tags with at most one strong version, else 412. */
function ifMatchStatus(value: string): number {
  const parts = value
    .trim()
    .split(",")
    .map((part) => part.trim());
  if (!parts.every((part) => /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/.test(part))) return 400;
  return parts.filter((part) => /^"[1-9][0-9]{0,14}"$/.test(part)).length > 1 ? 400 : 412;
}

/** If-Match values that never match (never `*` nor the current version's strong tag). */
const badIfMatch = (version: number) =>
  fc
    .oneof(
      headerGarbage,
      fc.constantFrom(
        `"${version + 1}"`,
        '"0"',
        `W/"${version}"`,
        `"${version}", "${version + 1}"`,
        `${version}`,
        `"${version}x"`,
        '"-1"',
        '"1e0"',
        `"${"9".repeat(20)}"`,
        '""',
      ),
    )
    // An empty header is no header (the write would go ahead); `*` matches any version.
    .filter(
      (value) =>
        value.trim() !== "" &&
        value.trim() !== "*" &&
        !new RegExp(`(^|[^/])"${version}"`).test(value) &&
        !value.split(",").some((t) => t.trim() === `"${version}"`),
    );

/** An empty header is no header: the create would go ahead without a key. */
const badIdempotencyKey = fc
  .oneof(headerGarbage, fc.constantFrom("k".repeat(256), "has space", "tab\tkey"))
  .filter((k) => k.trim() !== "" && !/^[\x21-\x7e]{1,255}$/.test(k.trim()));

// ---- endpoints ----

type Mutation = (spec: Spec) => fc.Arbitrary<Spec>;

interface Endpoint {
  name: string;
  /** A request that would succeed. */
  valid: () => Spec;
  /** Ways to spoil it; each result must be refused. */
  spoil: Mutation[];
}

const json = (value: unknown) => JSON.stringify(value);
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const withHeader =
  (name: string, values: fc.Arbitrary<string>): Mutation =>
  (spec) =>
    values.map((value) => ({ ...spec, headers: { ...spec.headers, [name]: value } }));
const withoutAuth: Mutation = expecting([401], (spec) =>
  fc.constant({ ...spec, headers: Object.fromEntries(Object.entries(spec.headers).filter(([k]) => k !== "Authorization")) }),
);
const badAuth: Mutation = expecting([401], withHeader("Authorization", badAuthorization));
/** Bodies that break a rule: 400, or `conflicts` for the ones that are valid but collide (409). */
/** A body over 256 KiB is a 413 whatever it holds; under it, `otherwise`. */
const MAX_BODY_BYTES = 256 * 1024;
const bodyStatus = (body: string, otherwise: number) => [new TextEncoder().encode(body).length > MAX_BODY_BYTES ? 413 : otherwise];
/** Bodies that break a rule: 400, or 409 for the one that is valid but takes an active pipeline's name. */
const withBody =
  (bodies: fc.Arbitrary<unknown>): Mutation =>
  (spec) =>
    bodies.map((body) => ({
      ...spec,
      body: json(body),
      expected: bodyStatus(json(body), json(body).includes('"name":"fuzz-other"') ? 409 : 400),
    }));
const withBodyText =
  (texts: fc.Arbitrary<string>): Mutation =>
  (spec) =>
    texts.map((body) => ({ ...spec, body, expected: bodyStatus(body, 400) }));
const overLimit: Mutation = expecting([413], (spec) =>
  fc.integer({ min: 256 * 1024 + 1, max: 400 * 1024 }).map((n) => ({ ...spec, body: `{"name":"${"x".repeat(n)}"}` })),
);
const withContentType = (accepted: string[]): Mutation =>
  expecting([415], (spec) => wrongContentType(accepted).map((type) => ({ ...spec, headers: { ...spec.headers, "Content-Type": type } })));
const withId = (template: (id: string) => string): Mutation =>
  expecting([404], (spec) => badId.map((id) => ({ ...spec, path: template(id) })));

/** Keys that may not do this: a revoked admin key (401), and for writes and admin routes a read key (403). */
const badCredential =
  (readKeyForbidden: boolean): Mutation =>
  (spec) =>
    fc
      .constantFrom(
        seeded.revokedKey,
        ...(readKeyForbidden ? [seeded.readKey] : []),
        `${seeded.readKey.slice(0, -1)}x`,
        "plk_",
        `plk_${"A".repeat(43)}`,
      )
      .map((key) => ({
        ...spec,
        headers: { ...spec.headers, Authorization: `Bearer ${key}` },
        expected: key === seeded.readKey ? [403] : [401],
      }));
const authMutations = [withoutAuth, badAuth, badCredential(true)];
const readAuthMutations = [withoutAuth, badAuth, badCredential(false)];
/** Nesting as deep as the body limit allows, written as text (too deep to build as a value). */
const deepText = fc
  .tuple(fc.integer({ min: 3000, max: 120_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, wrapped]) => {
    const nested = `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`;
    return wrapped ? `{"unknown-member":${nested}}` : nested;
  })
  .filter((text) => !text.startsWith('{"a":'));
const bodyMutations = (accepted: string[], bodies: fc.Arbitrary<unknown>) => [
  withBody(bodies),
  withBodyText(fc.oneof(notJsonObjectText, deepText)),
  overLimit,
  withContentType(accepted),
];

const pipelinesPath = "/v1/pipelines";
const at = (id: string) => `${pipelinesPath}/${id}`;

function endpoints(): Endpoint[] {
  const { active, archived } = seeded;
  const createBody = pipelineBody("fuzz-new");
  const replaceBody = {
    ...pipelineBody("fuzz-active-renamed"),
    stages: [{ ...validStage, id: active.stageId }, stage("seal", "encryption", "aes-256-gcm")],
  };
  const metrics = metricsBody();
  const write = (method: string, path: string, body?: unknown, contentType = "application/json"): Spec => ({
    method,
    path,
    headers: body === undefined ? { ...auth } : { ...auth, "Content-Type": contentType },
    ...(body === undefined ? {} : { body: json(body) }),
  });
  const ifMatchMutation =
    (version: number): Mutation =>
    (spec) =>
      withHeader(
        "If-Match",
        badIfMatch(version),
      )(spec).map((bad) => ({ ...bad, expected: [ifMatchStatus(bad.headers["If-Match"] ?? "")] }));
  const listQuery = (path: string): Mutation =>
    expecting([400], (spec) => badQuery(path).map((query) => ({ ...spec, path: `${path}?${query}` })));
  const badKeyHeader = expecting([400], withHeader("Idempotency-Key", badIdempotencyKey));

  return [
    {
      name: "POST /v1/pipelines",
      valid: () => write("POST", pipelinesPath, createBody),
      spoil: [...authMutations, ...bodyMutations(["application/json"], badPipeline(createBody)), badKeyHeader],
    },
    {
      name: "POST /v1/pipelines/import",
      valid: () => write("POST", `${pipelinesPath}/import`, { pipelines: [pipelineBody("fuzz-import-1"), pipelineBody("fuzz-import-2")] }),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badPipeline(createBody).map((bad) => ({ pipelines: [pipelineBody("fuzz-import-1"), bad] })),
            fc.constantFrom(
              { pipelines: [] },
              { pipelines: Array.from({ length: 101 }, (_, i) => pipelineBody(`many-${i}`)) },
              { pipelines: Array.from({ length: 400 }, () => ({ name: "", stages: [{}] })) },
              { pipelines: Array.from({ length: 100 }, (_, i) => ({ name: `p${i}`, stages: Array.from({ length: 32 }, () => ({})) })) },
              { pipelines: [createBody, createBody] },
              { pipelines: createBody },
              { pipelines: [createBody], extra: 1 },
              {},
            ),
          ),
        ),
        badKeyHeader,
      ],
    },
    {
      name: "PUT /v1/pipelines/{id}",
      valid: () => write("PUT", at(active.id), replaceBody),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badPipeline(replaceBody),
            fc
              .constantFrom("not-a-ulid", 42, "01JD3ZK5Q8W7V6T5S4R3P2N1M0", archived.id)
              .map((id) => ({ ...replaceBody, stages: [{ ...validStage, id }] })),
            fc.constant({
              ...replaceBody,
              stages: [
                { ...validStage, id: active.stageId },
                { ...validStage, name: "b", stageType: "transform", algorithm: "t", id: active.stageId },
              ],
            }),
          ),
        ),
        withId(at),
        ifMatchMutation(active.version),
      ],
    },
    {
      name: "PUT on an archived pipeline",
      valid: () => write("PUT", at(archived.id), pipelineBody("fuzz-archived")),
      spoil: [expecting([409], (spec) => fc.constant(spec))], // 409 as it stands
    },
    {
      name: "PATCH /v1/pipelines/{id}",
      valid: () => write("PATCH", at(active.id), { configuration: { owner: "fuzz" } }, "application/merge-patch+json"),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/merge-patch+json", "application/json"],
          fc.oneof(
            badName.map((name) => ({ name })),
            fc.constant({ name: null }),
            fc.constant({ name: "fuzz-other" }),
            badMap({ owner: "fuzz" }, true).map((configuration) => ({ configuration })),
            notAnObject.map((configuration) => ({ configuration })),
            unknownMember(["name", "configuration"]).map(([k, v]) => ({ [k]: v })),
          ),
        ),
        withId(at),
        ifMatchMutation(active.version),
      ],
    },
    {
      name: "DELETE /v1/pipelines/{id}",
      valid: () => write("DELETE", at(active.id)),
      spoil: [...authMutations, withId(at), ifMatchMutation(active.version)],
    },
    {
      name: "POST /v1/pipelines/{id}/archive",
      valid: () => write("POST", `${at(active.id)}/archive`),
      spoil: [...authMutations, withId((id) => `${at(id)}/archive`), ifMatchMutation(active.version)],
    },
    {
      name: "POST /v1/pipelines/{id}/restore",
      valid: () => write("POST", `${at(archived.id)}/restore`),
      spoil: [...authMutations, withId((id) => `${at(id)}/restore`), ifMatchMutation(archived.version)],
    },
    {
      name: "PUT /v1/pipelines/{id}/metrics",
      valid: () => write("PUT", `${at(active.id)}/metrics`, metrics),
      spoil: [
        ...authMutations,
        ...bodyMutations(["application/json"], badMetrics(metrics)),
        withId((id) => `${at(id)}/metrics`),
        expecting([409], (spec) => fc.constant({ ...spec, path: `${at(archived.id)}/metrics` })), // archived
      ],
    },
    {
      name: "POST /v1/archive-runs",
      valid: () => write("POST", "/v1/archive-runs", { olderThanDays: 30 }),
      spoil: [
        ...authMutations,
        withBody(
          fc.oneof(
            fc.constantFrom(-1, 1.5, "30", 36_501, null, true, [30], Number.POSITIVE_INFINITY).map((olderThanDays) => ({ olderThanDays })),
            unknownMember(["olderThanDays"]).map(([k, v]) => ({ olderThanDays: 30, [k]: v })),
            notAnObject,
          ),
        ),
        withBodyText(notJsonObjectText),
        overLimit,
        withContentType(["application/json"]),
      ],
    },
    {
      name: "GET /v1/pipelines",
      valid: () => ({ method: "GET", path: `${pipelinesPath}?limit=2`, headers: { ...auth } }),
      spoil: [...readAuthMutations, listQuery(pipelinesPath)],
    },
    {
      name: "GET /v1/pipelines/count",
      valid: () => ({ method: "GET", path: `${pipelinesPath}/count`, headers: { ...auth } }),
      spoil: [...readAuthMutations, listQuery(`${pipelinesPath}/count`)],
    },
    {
      name: "GET and HEAD /v1/pipelines/{id}, GET …/metrics",
      valid: () => ({ method: "GET", path: at(active.id), headers: { ...auth } }),
      spoil: [
        ...readAuthMutations,
        withId(at),
        expecting([404], (spec) => badId.map((id) => ({ ...spec, method: "HEAD", path: at(id) }))),
        expecting([404], (spec) => badId.map((id) => ({ ...spec, path: `${at(id)}/metrics` }))),
        expecting([404], (spec) => fc.constant({ ...spec, path: `${at(archived.id)}/metrics` })), // no metrics
        expecting([400], withHeader("If-None-Match", fc.constantFrom("garbage", '"1', "W/", '"1",,x'))),
      ],
    },
    {
      name: "GET /v1/archive-runs",
      valid: () => ({ method: "GET", path: "/v1/archive-runs", headers: { ...auth } }),
      spoil: [
        ...authMutations,
        expecting([400], (spec) =>
          fc
            .constantFrom("0", "101", "-1", "1.5", "abc", "", "1e1", "0010", " 5")
            .map((limit) => ({ ...spec, path: `/v1/archive-runs?limit=${encodeURIComponent(limit)}` })),
        ),
      ],
    },
    {
      name: "POST /v1/api-keys",
      valid: () => write("POST", "/v1/api-keys", { name: "fuzz key", scopes: ["write"] }),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badName.map((name) => ({ name, scopes: ["read"] })),
            fc
              .oneof(fc.constantFrom([], ["root"], ["read", "read"], ["READ"], "read", null, [1], { 0: "read" }), notAnObject)
              .map((scopes) => ({ name: "k", scopes })),
            fc
              .constantFrom("name", "scopes")
              .map((missing) => Object.fromEntries(Object.entries({ name: "k", scopes: ["read"] }).filter(([k]) => k !== missing))),
            unknownMember(["name", "scopes"]).map(([k, v]) => ({ name: "k", scopes: ["read"], [k]: v })),
          ),
        ),
      ],
    },
    {
      name: "GET /v1/api-keys, DELETE /v1/api-keys/{id}",
      valid: () => write("DELETE", `/v1/api-keys/${seeded.apiKeyId}`),
      spoil: [
        ...authMutations,
        withId((id) => `/v1/api-keys/${id}`),
        (spec) =>
          fc.constantFrom(...[withoutAuth, badAuth, badCredential(true)]).chain((m) => m({ ...spec, method: "GET", path: "/v1/api-keys" })),
      ],
    },
    {
      name: "unknown routes and methods",
      valid: () => ({ method: "GET", path: "/healthz", headers: {} }),
      spoil: [
        expecting([404, 405], (spec) =>
          fc
            .tuple(
              fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
              fc.oneof(
                fc.constantFrom(
                  "/v2/pipelines",
                  "/v1",
                  "/v1/",
                  "/v1/pipelines/import/x",
                  "/v1/api-keys/x/y",
                  "/healthz/x",
                  "/%00",
                  "/v1/pipelines/count/x",
                ),
                badId.map((id) => `/v1/${id}`),
              ),
            )
            .map(([method, path]) => ({ ...spec, method, path, headers: { ...auth } })),
        ),
        expecting([405], (spec) =>
          fc.constantFrom("POST", "PUT", "DELETE", "PATCH").map((method) => ({ ...spec, method, path: "/healthz" })),
        ),
        expecting([405], (spec) =>
          fc.constantFrom("PATCH", "DELETE", "PUT").map((method) => ({ ...spec, method, path: pipelinesPath, headers: { ...auth } })),
        ),
        expecting([405], (spec) =>
          fc.constantFrom("PUT", "PATCH", "DELETE").map((method) => ({ ...spec, method, path: "/v1/archive-runs", headers: { ...auth } })),
        ),
      ],
    },
  ];
}

/** A query of GET /v1/pipelines or /count with at least one bad parameter. */
function badQuery(path: string) {
  const isList = !path.endsWith("/count");
  const bad = fc.oneof(
    fc.constantFrom(
      "archived=yes",
      "archived=",
      "archived=False",
      "name=",
      `name=${"n".repeat(101)}`,
      "config.=x",
      "config.a%20b=x",
      `config.${"k".repeat(65)}=x`,
      `config.env=${"v".repeat(4097)}`,
      "config.env=a&config.env=b",
      "archived=all&archived=true",
      "unknown=1",
      "Archived=all",
      "%00=1",
    ),
    isList
      ? fc.constantFrom(
          "limit=0",
          "limit=101",
          "limit=-1",
          "limit=1.5",
          "limit=abc",
          "limit=",
          "limit=1e1",
          "limit=%201",
          "offset=-1",
          "offset=x",
          "offset=1.0",
          "offset=9999999999",
          "sort=nam",
          "sort=--name",
          "sort=%2Bname",
          "sort=NAME",
          "sort=",
          "offset=1&cursor=x",
          "limit=1&limit=2",
        )
      : fc.constantFrom("limit=1", "sort=name", "offset=0", "cursor=x"),
    isList
      ? fc.oneof(
          fc.string({ unit: "binary", maxLength: 60 }).map((s) => `cursor=${encodeURIComponent(s)}`),
          fc.base64String({ maxLength: 80 }).map((s) => `cursor=${encodeURIComponent(s)}`),
          fc.json({ maxDepth: 2 }).map((s) => `cursor=${btoa(unescape(encodeURIComponent(s))).replaceAll("=", "")}`),
          fc
            .constantFrom("sort=-name", "sort=createdAt", "archived=all", "name=fuzz-active", "config.env=prod")
            .map((other) => `cursor=${seeded.cursor}&${other}`),
          fc.constant(`cursor=${seeded.cursor}&offset=0`),
        )
      : fc.constantFrom("cursor=abc"),
    fc.tuple(anyText, anyText).map(([k, v]) => `${encodeURIComponent(`x${k}`)}=${encodeURIComponent(v)}`),
    // More configuration filters than the 20 allowed, in either spelling (49 once were a 500).
    fc
      .tuple(fc.integer({ min: 21, max: 120 }), fc.boolean())
      .map(([n, brackets]) => Array.from({ length: n }, (_, i) => (brackets ? `config%5Bk${i}%5D=v` : `config.k${i}=v`)).join("&")),
    fc.constantFrom("config%5Benv%5D=prod&config.env=prod", "config%5B%5D=x", "config%5Ba%20b%5D=x"),
  );
  const good = fc.constantFrom("", "archived=all", "name=fuzz-active", "config.env=prod", "config.dots.key=50%25_off");
  return fc.tuple(bad, good).map(([b, g]) => (g ? `${g}&${b}` : b));
}

/** A spoiled request, with garbage riding along in X-Request-Id or another header half of the time. */
function spoiled(endpoint: Endpoint): fc.Arbitrary<Spec> {
  const base = endpoint.valid();
  return (
    fc
      .tuple(
        fc.oneof(...endpoint.spoil.map((spoil) => spoil(base))),
        fc.option(headerGarbage, { freq: 2 }),
        fc.option(
          fc.tuple(fc.constantFrom("X-Forwarded-For", "Accept", "Accept-Encoding", "Range", "X-Unknown", "Origin"), headerGarbage),
          { freq: 3 },
        ),
      )
      .map(([spec, requestId, other]) =>
        shown({
          ...spec,
          headers: {
            ...spec.headers,
            ...(requestId === null ? {} : { "X-Request-Id": requestId }),
            ...(other === null ? {} : { [other[0]]: other[1] }),
          },
        }),
      )
      // A request the platform refuses to build (a header value it rejects) is never generated, so none passes unchecked.
      .filter((spec) => toRequest(spec) !== null)
  );
}

/** How fast-check prints a request in a counterexample: long strings cut short. */
function shown(spec: Spec): Spec {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…(${text.length} characters)` : text);
  return Object.defineProperty(spec, fc.toStringMethod, {
    value: () => JSON.stringify(spec, (_, value) => (typeof value === "string" ? cut(value) : value)),
  });
}

describe("bad requests are refused with a problem and change nothing", () => {
  it("starts each test from a data set with rows in every table", async () => {
    expect(rowCounts(await dumpDatabase())).toMatchObject({
      pipelines: 4,
      idempotency_keys: 1,
      archive_runs: 1,
      processing_metrics: 1,
      api_keys: 2,
    });
  });

  for (const name of [
    "POST /v1/pipelines",
    "POST /v1/pipelines/import",
    "PUT /v1/pipelines/{id}",
    "PUT on an archived pipeline",
    "PATCH /v1/pipelines/{id}",
    "DELETE /v1/pipelines/{id}",
    "POST /v1/pipelines/{id}/archive",
    "POST /v1/pipelines/{id}/restore",
    "PUT /v1/pipelines/{id}/metrics",
    "POST /v1/archive-runs",
    "GET /v1/pipelines",
    "GET /v1/pipelines/count",
    "GET and HEAD /v1/pipelines/{id}, GET …/metrics",
    "GET /v1/archive-runs",
    "POST /v1/api-keys",
    "GET /v1/api-keys, DELETE /v1/api-keys/{id}",
    "unknown routes and methods",
  ]) {
    it(
      name,
      async () => {
        const endpoint = endpoints().find((e) => e.name === name);
        if (!endpoint) throw new Error(`no endpoint ${name}`);
        await fc.assert(fc.asyncProperty(spoiled(endpoint), expectRefusedWithoutChange), propertyParameters(RUNS_PER_ENDPOINT));
      },
      propertyTimeout(RUNS_PER_ENDPOINT, 100),
    );
  }

  it("the unspoiled requests were valid: each succeeds (writes last, delete at the very end)", async () => {
    const before = await dumpDatabase();
    const all = new Map(endpoints().map((e) => [e.name, e]));
    const order = [
      "GET /v1/pipelines",
      "GET /v1/pipelines/count",
      "GET and HEAD /v1/pipelines/{id}, GET …/metrics",
      "GET /v1/archive-runs",
      "unknown routes and methods",
      "POST /v1/pipelines",
      "POST /v1/pipelines/import",
      "PUT /v1/pipelines/{id}",
      "PATCH /v1/pipelines/{id}",
      "PUT /v1/pipelines/{id}/metrics",
      "POST /v1/archive-runs",
      "POST /v1/api-keys",
      "GET /v1/api-keys, DELETE /v1/api-keys/{id}",
      "POST /v1/pipelines/{id}/restore",
      "POST /v1/pipelines/{id}/archive",
      "DELETE /v1/pipelines/{id}",
    ];
    expect(new Set([...order, "PUT on an archived pipeline"])).toEqual(new Set(all.keys()));
    for (const name of order) {
      const endpoint = all.get(name) as Endpoint;
      const request = toRequest(endpoint.valid());
      const response = await exports.default.fetch(request as Request);
      expect(response.status, `${endpoint.name}: ${await response.clone().text()}`).toBeLessThan(300);
      await response.arrayBuffer();
    }
    expect(await dumpDatabase()).not.toEqual(before);
  });
});
