import * as v from "valibot";
import type { FieldIssue } from "./errors";
import { IdSchema, newId } from "./ids";

/**
 * An object that names every unknown member as an error (strictObject stops at the first).
 * Typed as a plain object schema: the `never` rest would otherwise add an index signature.
 */
export const closedObject = <E extends v.ObjectEntries>(entries: E) =>
  v.objectWithRest(entries, v.never("unknown member; it cannot be set")) as unknown as v.ObjectSchema<E, undefined>;

/** The rules of API.md's "Pipeline" section, written once; the HTTP layer reuses these schemas. */

export const STAGE_TYPES = ["compression", "encryption", "checksum", "transform", "passthrough"] as const;
export type StageType = (typeof STAGE_TYPES)[number];

/** Algorithms allowed per stage type; a type missing here takes any well-formed name. */
export const ALGORITHMS: Partial<Record<StageType, readonly string[]>> = {
  compression: ["brotli", "gzip", "zstd", "lz4", "deflate"],
  encryption: ["aes-256-gcm", "aes-128-gcm", "chacha20-poly1305"],
  checksum: ["sha256", "sha512", "sha3-256", "blake3"],
};

/** Types that may not directly follow a stage of the same type (compressing twice gains nothing). */
const NO_REPEAT_TYPES: readonly StageType[] = ["compression", "encryption"];

export const LIMITS = {
  nameLength: 100,
  stages: 32,
  mapEntries: 64,
  keyLength: 64,
  valueLength: 4096,
  algorithmLength: 64,
  minChunkSize: 1024,
  maxChunkSize: 104_857_600,
  importSize: 100,
} as const;

export interface Stage {
  id: string;
  name: string;
  stageType: StageType;
  algorithm: string;
  enabled: boolean;
  parallelProcessing: boolean;
  chunkSize: number | null;
  order: number;
  parameters: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Pipeline {
  id: string;
  name: string;
  archived: boolean;
  configuration: Record<string, string>;
  stages: Stage[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Length in Unicode code points, as JSON Schema's minLength/maxLength count it. */
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const textOfLength = (max: number, what: string) =>
  v.pipe(
    v.string(),
    v.check((s) => codePoints(s) >= 1 && codePoints(s) <= max, `${what} must be 1 to ${max} characters`),
    v.metadata({ minLength: 1, maxLength: max }),
  );

export const NameSchema = v.pipe(
  textOfLength(LIMITS.nameLength, "name"),
  v.regex(/^[^\p{Cc}]*$/u, "name may not contain control characters"),
  v.check((s) => s.trim() === s, "name may not start or end with white space"),
);

const MapKeySchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.-]{1,64}$/, "keys are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'"),
);
const MapValueSchema = v.pipe(
  v.string(),
  v.maxLength(LIMITS.valueLength, `values are at most ${LIMITS.valueLength} characters`),
);

const maxEntries = <T extends object>() =>
  v.check<T, string>(
    (map) => Object.keys(map).length <= LIMITS.mapEntries,
    `at most ${LIMITS.mapEntries} entries`,
  );

/** `configuration` and `parameters`: string to string, bounded. */
export const StringMapSchema = v.pipe(v.record(MapKeySchema, MapValueSchema), maxEntries<Record<string, string>>());

export const AlgorithmSchema = v.pipe(
  v.string(),
  v.regex(
    /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,63}$/,
    "algorithm is 1 to 64 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
  ),
);

const stageEntries = {
  name: textOfLength(LIMITS.nameLength, "stage name"),
  stageType: v.picklist(STAGE_TYPES, `stageType must be one of ${STAGE_TYPES.join(", ")}`),
  algorithm: AlgorithmSchema,
  enabled: v.optional(v.boolean(), true),
  parallelProcessing: v.optional(v.boolean(), false),
  chunkSize: v.optional(
    v.nullable(
      v.pipe(
        v.number(),
        v.integer("chunkSize must be an integer"),
        v.minValue(LIMITS.minChunkSize, `chunkSize must be at least ${LIMITS.minChunkSize}`),
        v.maxValue(LIMITS.maxChunkSize, `chunkSize must be at most ${LIMITS.maxChunkSize}`),
      ),
    ),
    null,
  ),
  /** Optional echo of the stage's position; when given it must equal the index in `stages`. */
  order: v.optional(v.pipe(v.number(), v.integer("order must be an integer"), v.minValue(0))),
  parameters: v.optional(StringMapSchema, {}),
};

export const NewStageSchema = closedObject(stageEntries);
/** In a replacement (PUT), a stage may carry the id of one of the pipeline's stages to keep it. */
export const ReplacementStageSchema = closedObject({ id: v.optional(IdSchema), ...stageEntries });

const stagesOf = <S extends typeof NewStageSchema | typeof ReplacementStageSchema>(stage: S) =>
  v.pipe(
    v.array(stage),
    v.minLength(1, "a pipeline has at least one stage"),
    v.maxLength(LIMITS.stages, `a pipeline has at most ${LIMITS.stages} stages`),
  );

export const NewPipelineSchema = closedObject({
  name: NameSchema,
  configuration: v.optional(StringMapSchema, {}),
  stages: stagesOf(NewStageSchema),
});

export const PipelineReplacementSchema = closedObject({
  name: NameSchema,
  configuration: v.optional(StringMapSchema, {}),
  stages: stagesOf(ReplacementStageSchema),
});

/** JSON merge patch (RFC 7396) of name and configuration; `null` removes a configuration key. */
export const PipelinePatchSchema = closedObject({
  name: v.optional(NameSchema),
  configuration: v.optional(
    v.nullable(v.pipe(v.record(MapKeySchema, v.nullable(MapValueSchema)), maxEntries<Record<string, string | null>>())),
  ),
});

export const PipelineImportSchema = closedObject({
  pipelines: v.pipe(
    v.array(NewPipelineSchema),
    v.minLength(1, "import at least one pipeline"),
    v.maxLength(LIMITS.importSize, `import at most ${LIMITS.importSize} pipelines at once`),
  ),
});

export type NewPipeline = v.InferOutput<typeof NewPipelineSchema>;
export type NewStage = v.InferOutput<typeof NewStageSchema>;
export type PipelineReplacement = v.InferOutput<typeof PipelineReplacementSchema>;
export type ReplacementStage = v.InferOutput<typeof ReplacementStageSchema>;
export type PipelinePatch = v.InferOutput<typeof PipelinePatchSchema>;
export type PipelineImport = v.InferOutput<typeof PipelineImportSchema>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Rules that span stages (unique names and ids, order = position, algorithm allowed for
 * its type, no repeated compression/encryption). They read raw input defensively so they
 * report alongside the schema's own issues, and every failing field is listed at once.
 */
export function stageSequenceIssues(stages: unknown, base = "/stages"): FieldIssue[] {
  if (!Array.isArray(stages)) return [];
  const issues: FieldIssue[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  let previousType: unknown;
  stages.forEach((stage, index) => {
    const at = (field: string) => `${base}/${index}/${field}`;
    if (!isRecord(stage)) {
      previousType = undefined;
      return;
    }
    const { id, name, stageType, algorithm, order } = stage;
    if (typeof name === "string") {
      if (names.has(name)) issues.push({ path: at("name"), message: `stage name "${name}" is used twice` });
      names.add(name);
    }
    if (typeof id === "string") {
      if (ids.has(id)) issues.push({ path: at("id"), message: "stage id is used twice" });
      ids.add(id);
    }
    if (typeof order === "number" && order !== index) {
      issues.push({ path: at("order"), message: `order must equal the stage's position (${index})` });
    }
    const allowed = typeof stageType === "string" ? ALGORITHMS[stageType as StageType] : undefined;
    if (allowed && typeof algorithm === "string" && !allowed.includes(algorithm)) {
      issues.push({ path: at("algorithm"), message: `a ${stageType} stage takes one of ${allowed.join(", ")}` });
    }
    if (NO_REPEAT_TYPES.includes(stageType as StageType) && stageType === previousType) {
      issues.push({ path: at("stageType"), message: `a ${stageType} stage may not directly follow another` });
    }
    previousType = stageType;
  });
  return issues;
}

/** Pipeline-level rules over raw input: the stage rules, plus unique names within an import. */
export function pipelineIssues(input: unknown, base = ""): FieldIssue[] {
  return isRecord(input) ? stageSequenceIssues(input.stages, `${base}/stages`) : [];
}

export function importIssues(input: unknown): FieldIssue[] {
  if (!isRecord(input) || !Array.isArray(input.pipelines)) return [];
  const issues: FieldIssue[] = [];
  const names = new Set<string>();
  input.pipelines.forEach((pipeline, index) => {
    issues.push(...pipelineIssues(pipeline, `/pipelines/${index}`));
    if (isRecord(pipeline) && typeof pipeline.name === "string") {
      if (names.has(pipeline.name)) {
        issues.push({ path: `/pipelines/${index}/name`, message: `name "${pipeline.name}" appears twice in the import` });
      }
      names.add(pipeline.name);
    }
  });
  return issues;
}

/** The stages of a write: given ids are kept (the store keeps their createdAt), others are new. */
export function stagesFrom(inputs: ReadonlyArray<NewStage | ReplacementStage>, now: string): Stage[] {
  return inputs.map((input, order) => ({
    id: ("id" in input && input.id) || newId(),
    name: input.name,
    stageType: input.stageType,
    algorithm: input.algorithm,
    enabled: input.enabled,
    parallelProcessing: input.parallelProcessing,
    chunkSize: input.chunkSize,
    order,
    parameters: { ...input.parameters },
    createdAt: now,
    updatedAt: now,
  }));
}

export function newPipeline(input: NewPipeline, now: string): Pipeline {
  return {
    id: newId(),
    name: input.name,
    archived: false,
    configuration: { ...input.configuration },
    stages: stagesFrom(input.stages, now),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
