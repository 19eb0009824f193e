import * as v from "valibot";
import type { FieldIssue } from "./errors";
import { IdSchema, newId } from "./ids";
import { boundedArray, isPlainObject as isRecord, jsonObject, stringMap } from "./json-schemas";
import { CC, trimmedTextPattern } from "./text-patterns";

/** The rules of the API's pipeline rules (docs/api.md), written once; the HTTP layer reuses these schemas. */

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

/** A name: no control character (Unicode's Cc), and no white space at either end. */
export const NAME_PATTERN = trimmedTextPattern(CC);

export const NameSchema = v.pipe(
  textOfLength(LIMITS.nameLength, "name"),
  v.regex(NAME_PATTERN, "name may not contain control characters, or start or end with white space"),
);

/** Keys of configuration and parameters (and of `config.<key>` filters). */
export const MAP_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAP_KEY_RULE = "keys are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'";
export const MAP_VALUE_RULE = `values are at most ${LIMITS.valueLength} characters`;

const MapKeySchema = v.pipe(v.string(), v.regex(MAP_KEY_PATTERN, MAP_KEY_RULE));
const MapValueSchema = v.pipe(v.string(), v.maxLength(LIMITS.valueLength, MAP_VALUE_RULE));

/** What the OpenAPI document shows for a string map (its checks are code, which the converter cannot read). */
const mapDocumentation = <T>(values: object) =>
  v.metadata<T, Record<string, unknown>>({
    type: "object",
    maxProperties: LIMITS.mapEntries,
    propertyNames: { type: "string", pattern: MAP_KEY_PATTERN.source },
    additionalProperties: values,
  });
const valueDocumentation = { type: "string", maxLength: LIMITS.valueLength };

/** `configuration` and `parameters`: string to string, bounded. */
export const StringMapSchema = v.pipe(
  stringMap(MapKeySchema, MapValueSchema, LIMITS.mapEntries),
  mapDocumentation<Record<string, string>>(valueDocumentation),
);

const ALGORITHM_RULE =
  "algorithm is 1 to 64 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen";

/** No lookahead: generators of valid values (fast-check's among them) cannot draw from one. */
export const AlgorithmSchema = v.pipe(
  v.string(),
  v.maxLength(LIMITS.algorithmLength, ALGORITHM_RULE),
  v.regex(/^[a-z](?:-?[a-z0-9])*$/, ALGORITHM_RULE),
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

/**
 * The rules of stageSequenceIssues, for the document: the algorithms of a type as `if`/`then`
 * (a rule JSON Schema can say), the rules across stages in prose.
 */
const stageDocumentation = {
  description:
    "Within a pipeline, stage names are unique, `order` (when given) equals the stage's position, and a compression or encryption stage may not directly follow a stage of its own type (each a 400).",
  allOf: Object.entries(ALGORITHMS).map(([stageType, allowed]) => ({
    if: { properties: { stageType: { const: stageType } }, required: ["stageType"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, in a document never awaited.
    then: { properties: { algorithm: { enum: allowed } } },
  })),
};

export const NewStageSchema = jsonObject(stageEntries, stageDocumentation);
/** In a replacement (PUT), a stage may carry the id of one of the pipeline's stages to keep it. */
export const ReplacementStageSchema = jsonObject(
  { id: v.optional(IdSchema), ...stageEntries },
  {
    ...stageDocumentation,
    description: `${stageDocumentation.description} An \`id\` is that of one of the pipeline's stages, each at most once.`,
  },
);

const stagesOf = <S extends typeof NewStageSchema | typeof ReplacementStageSchema>(stage: S) =>
  boundedArray(stage, 1, LIMITS.stages, {
    min: "a pipeline has at least one stage",
    max: `a pipeline has at most ${LIMITS.stages} stages`,
  });

export const NewPipelineSchema = jsonObject({
  name: NameSchema,
  configuration: v.optional(StringMapSchema, {}),
  stages: stagesOf(NewStageSchema),
});

export const PipelineReplacementSchema = jsonObject({
  name: NameSchema,
  configuration: v.optional(StringMapSchema, {}),
  stages: stagesOf(ReplacementStageSchema),
});

/** JSON merge patch (RFC 7396) of name and configuration; `null` removes a configuration key. */
export const PipelinePatchSchema = jsonObject({
  name: v.optional(NameSchema),
  configuration: v.optional(
    v.nullable(
      v.pipe(
        stringMap(MapKeySchema, v.nullable(MapValueSchema), LIMITS.mapEntries),
        mapDocumentation<Record<string, string | null>>({ anyOf: [valueDocumentation, { type: "null" }] }),
      ),
    ),
  ),
});

export const PipelineImportSchema = jsonObject(
  {
    pipelines: boundedArray(NewPipelineSchema, 1, LIMITS.importSize, {
      min: "import at least one pipeline",
      max: `import at most ${LIMITS.importSize} pipelines at once`,
    }),
  },
  { description: "The pipelines' names are unique within the import (a 400)." },
);

export type NewPipeline = v.InferOutput<typeof NewPipelineSchema>;
export type NewStage = v.InferOutput<typeof NewStageSchema>;
export type PipelineReplacement = v.InferOutput<typeof PipelineReplacementSchema>;
export type ReplacementStage = v.InferOutput<typeof ReplacementStageSchema>;
export type PipelinePatch = v.InferOutput<typeof PipelinePatchSchema>;
export type PipelineImport = v.InferOutput<typeof PipelineImportSchema>;

/** Cross-item rules run only on an array within its bounds: beyond them, the bound is the one issue. */
const withinBounds = (items: unknown, max: number): items is unknown[] => Array.isArray(items) && items.length >= 1 && items.length <= max;

/**
 * Rules that span stages (unique names and ids, order = position, algorithm allowed for
 * its type, no repeated compression/encryption). They read raw input defensively so they
 * report alongside the schema's own issues, and every failing field is listed at once.
 */
export function stageSequenceIssues(stages: unknown, base = "/stages"): FieldIssue[] {
  if (!withinBounds(stages, LIMITS.stages)) return [];
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
  if (!isRecord(input) || !withinBounds(input.pipelines, LIMITS.importSize)) return [];
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
