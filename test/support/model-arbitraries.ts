import fc from "fast-check";
import type { MetricsInput } from "../../src/domain/metrics";
import type { NewPipeline, NewStage, StageType } from "../../src/domain/pipeline";
import type { ArchivedFilter, WriteOptions } from "../../src/domain/repository";
import { HIGHEST_ID, LOWEST_ID, START, type World } from "./model-world";

/** What the model-based test generates: names, configuration, stages, pipelines, versions, metrics. */

/** NFC "é" and NFD "e\u0301" are different names; "Z" < "a" < … < "😀" in code point order. */
export const nameArb = fc.constantFrom("a", "b", "Z", "é", "e\u0301", "😀");
export const configKeyArb = fc.constantFrom("env", "team", "a.b", "x_y", "constructor", "__proto__");
export const configValueArb = fc.constantFrom("prod", "dev", "%", "_", "50%_off", "");
export const configArb = fc.dictionary(configKeyArb, configValueArb, { maxKeys: 3 });
export const STAGE_KINDS: [StageType, string][] = [
  ["compression", "zstd"],
  ["encryption", "aes-256-gcm"],
  ["checksum", "sha256"],
  ["transform", "upper"],
  ["passthrough", "noop"],
];

export const stageFieldsArb = fc.record({
  kind: fc.nat(STAGE_KINDS.length - 1),
  enabled: fc.boolean(),
  parallelProcessing: fc.boolean(),
  chunkSize: fc.constantFrom(null, 1024, 104_857_600),
  parameters: fc.dictionary(fc.constantFrom("level", "k.1", "constructor", "__proto__"), fc.constantFrom("3", "", "%_"), { maxKeys: 2 }),
});
export type StageFields = typeof stageFieldsArb extends fc.Arbitrary<infer T> ? T : never;

/** Valid stages: unique names, and no compression or encryption straight after its own type. */
export function stagesOf(fields: StageFields[]): NewStage[] {
  let previous: StageType | undefined;
  return fields.map((f, i) => {
    let [stageType, algorithm] = STAGE_KINDS[f.kind] as [StageType, string];
    if (stageType === previous && (stageType === "compression" || stageType === "encryption"))
      [stageType, algorithm] = ["transform", "upper"];
    previous = stageType;
    return {
      name: `s${i}`,
      stageType,
      algorithm,
      enabled: f.enabled,
      parallelProcessing: f.parallelProcessing,
      chunkSize: f.chunkSize,
      parameters: f.parameters,
    };
  });
}

export const newPipelineArb = fc
  .record({ name: nameArb, configuration: configArb, stages: fc.array(stageFieldsArb, { minLength: 1, maxLength: 3 }) })
  .map(({ name, configuration, stages }): NewPipeline => ({ name, configuration, stages: stagesOf(stages) }));

/** A pipeline reference: an index into the pipelines created so far, or -1 for an unknown id. */
export const refArb = fc.oneof({ weight: 9, arbitrary: fc.nat(20) }, { weight: 1, arbitrary: fc.constant(-1) });

export type VersionMode = "none" | "current" | "stale" | "ahead";
export const versionArb = fc.constantFrom<VersionMode>("none", "current", "current", "stale", "ahead");

export async function writeOptions(world: World, label: string, mode: VersionMode): Promise<WriteOptions> {
  const version = (await world.version(label)) ?? 1;
  if (mode === "none") return {};
  return { expectedVersion: mode === "current" ? version : mode === "stale" ? version - 1 : version + 1 };
}

export const timestampArb = fc.nat(40).map((k) => new Date(START + k * 500).toISOString());
export const countArb = fc.constantFrom(0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER);
export const realArb = fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
export const metricsArb: fc.Arbitrary<MetricsInput> = fc.record({
  bytesProcessed: countArb,
  bytesTotal: countArb,
  chunksProcessed: countArb,
  chunksTotal: countArb,
  startTime: fc.option(timestampArb, { nil: null }),
  endTime: fc.option(timestampArb, { nil: null }),
  processingDurationMs: countArb,
  throughputBytesPerSecond: realArb,
  compressionRatio: fc.option(realArb, { nil: null }),
  errorCount: countArb,
  warningCount: countArb,
  inputFileSizeBytes: countArb,
  outputFileSizeBytes: countArb,
  inputFileChecksum: fc.option(fc.constantFrom("sha256:abc", "", "é"), { nil: null }),
  outputFileChecksum: fc.option(fc.constantFrom("x".repeat(128)), { nil: null }),
});

// ---- commands ----

/** Mostly no name or configuration filter, so that listings hold several names to sort. */
export const filterArb = fc.record({
  archived: fc.constantFrom<ArchivedFilter>("false", "true", "all", "all"),
  name: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nameArb }),
  config: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(configKeyArb, configValueArb), { minLength: 1, maxLength: 2 }) },
  ),
});

export const pagingArb = fc.oneof(
  fc.constant({ kind: "walk" as const }),
  fc.nat(6).map((offset) => ({ kind: "offset" as const, offset })),
  fc.record({
    kind: fc.constant("after" as const),
    name: nameArb,
    time: timestampArb,
    id: fc.oneof(fc.constantFrom(LOWEST_ID, HIGHEST_ID), refArb),
  }),
);
