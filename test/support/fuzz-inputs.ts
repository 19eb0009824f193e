import fc from "fast-check";
import { ADMIN_TOKEN, stage } from "./http";

/** Bad inputs for the fuzz test: text, names, maps, stages, pipelines, metrics, headers, ids. */

/** Any characters, lone surrogates and control characters included. */
export const anyText = fc.string({ unit: "binary", maxLength: 40 });
export const hugeText = fc
  .tuple(fc.constantFrom("x", "é", "😀", "\u0000", "\u202e", "e\u0301"), fc.integer({ min: 4097, max: 200_000 }))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));
/** Arrays and objects nested up to 3000 deep. */
export const deeplyNested = fc.tuple(fc.integer({ min: 2, max: 3000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
export const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
  deeplyNested,
);
export const notAnObject = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 5 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 2 }),
  deeplyNested.filter(Array.isArray),
);
export const notABoolean = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), fc.object({ maxDepth: 0 }));
/** Text with an unpaired surrogate: valid JSON ("\ud800"), not storable Unicode. */
export const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 5 }), fc.constantFrom("\ud800", "\udfff", "\ud83d"), fc.string({ maxLength: 5 }))
  .map(([a, s, b]) => `x${a}${s}${/^[\udc00-\udfff]/.test(b) ? `y${b}` : b}`);
/** Strings that are not a valid name: empty, too long, control characters, outer white space, unpaired surrogates. */
export const badName = fc.oneof(
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
export const badKey = fc.oneof(
  fc.constantFrom("", "a b", "é", "k".repeat(65), "a/b", "a~b", "%", "a=b", "😀", "\u0000"),
  anyText.filter((k) => !/^[A-Za-z0-9_.-]{1,64}$/.test(k)),
);
export const badValue = fc.oneof(notAString, hugeText, loneSurrogate);
/** A string map (configuration, parameters) that breaks a rule. */
export const badMap = (valid: Record<string, string>, nullable = false) =>
  fc.oneof(
    nullable ? notAnObject : fc.oneof(notAnObject, fc.constant(null)),
    fc.tuple(badKey, fc.string({ maxLength: 5 })).map(([k, v]) => ({ ...valid, [k]: v })),
    badValue.filter((v) => !(nullable && v === null)).map((v) => ({ ...valid, env: v })),
    fc.constant(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]))),
  );
export const badAlgorithm = fc.oneof(
  fc.constantFrom("", "Zstd", "-x", "x-", "a--b", "1abc", "a".repeat(65), "md5", "a b", "é"),
  notAString,
);
/** Stage names have only a length rule (1 to 100 code points). */
export const badStageName = fc.oneof(fc.constant(""), fc.constantFrom("😀".repeat(101), "s".repeat(101), "\u0000".repeat(150)), notAString);
export const badStage = (base: Record<string, unknown>) =>
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
export function unknownMember(known: string[]) {
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
export const hugeArrayOfEmptyObjects = fc.integer({ min: 33, max: 80_000 }).map((n) => Array.from({ length: n }, () => ({})));
/** Times that pass a loose check but name no instant, or carry an offset RFC 3339 does not write. */
export const oddTime = fc.constantFrom(
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

export const validStage = { name: "compress", stageType: "compression", algorithm: "zstd", parameters: { level: "3" } };

/** Bodies of POST /v1/workspaces/default/pipelines and PUT: a valid pipeline with one thing wrong. */
export function badPipeline(valid: Record<string, unknown>, extraKnown: string[] = []) {
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

export const countArb = fc.constantFrom(-1, 1.5, "1", null, 2 ** 53, Number.MAX_VALUE, true);
export const badMetrics = (valid: Record<string, unknown>) =>
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
export const notJsonObjectText = fc.oneof(
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
export const wrongContentType = (accepted: string[]) =>
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
export const headerGarbage = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x01, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.integer({ min: 129, max: 8000 }).map((n) => "r".repeat(n)),
  fc.constantFrom("", " ", "a b", "\t", "\u0001", "\u007f"),
);

export const badAuthorization = fc
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

export const badId = fc.oneof(
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

/** RFC 9110's `#entity-tag` as one regular expression: elements (maybe empty) between commas, white space around them. */
const ENTITY_TAG_LIST = /^[ \t]*(?:(?:(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")?[ \t]*,[ \t]*)*(?:(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*")?[ \t]*$/;

/** What a non-matching If-Match gets: 400 unless it follows the grammar with at most 16 distinct strong versions, else 412. */
export function ifMatchStatus(value: string): number {
  if (!ENTITY_TAG_LIST.test(value)) return 400;
  const versions = new Set([...value.matchAll(/(?<![\x21\x23-\x7e\x80-\xff])"([1-9][0-9]{0,14})"/g)].map((m) => m[1]));
  return versions.size > 16 ? 400 : 412;
}

/** If-Match values that never match (never `*` nor the current version's strong tag). */
export const badIfMatch = (version: number) =>
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
export const badIdempotencyKey = fc
  .oneof(headerGarbage, fc.constantFrom("k".repeat(256), "has space", "tab\tkey"))
  .filter((k) => k.trim() !== "" && !/^[\x21-\x7e]{1,255}$/.test(k.trim()));

// ---- endpoints ----
