import { type ConversionConfig, type OverrideSchemaContext, toJsonSchemaDefs } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { NewApiKeySchema } from "../../domain/api-key";
import { documentedAs } from "../../domain/json-schemas";
import { MetricsInputSchema } from "../../domain/metrics";
import {
  NewPipelineSchema,
  NewStageSchema,
  PipelineImportSchema,
  PipelinePatchSchema,
  PipelineReplacementSchema,
  ReplacementStageSchema,
} from "../../domain/pipeline";
import { ApiKeyListSchema, ApiKeySchema, CreatedApiKeySchema } from "../api-keys/schemas";
import { ArchiveRunListSchema, ArchiveRunRequestSchema, ArchiveRunSchema } from "../archive-runs/schemas";
import { HealthSchema } from "../health/schemas";
import {
  ActorSchema,
  AuditEventSchema,
  AuditPageSchema,
  DiffSchema,
  RevisionPageSchema,
  RevisionSchema,
  RevisionSummarySchema,
  RollbackRequestSchema,
} from "../history/schemas";
import { CountSchema, MetricsSchema, PipelineListSchema, PipelinePageSchema, PipelineSchema, StageSchema } from "../pipelines/schemas";
import { ProblemSchema } from "../problem";
import type { JsonSchema, Ref } from "./types";

/**
 * The named schemas of `components.schemas`. A new schema is one line here (and its example in
 * examples.ts, which the type checker asks for); operations then refer to it with `schemaRef`.
 * Responses are converted as the server writes them (defaults filled in), requests as clients
 * may send them (members with defaults optional).
 */
const RESPONSE_SCHEMAS = {
  Pipeline: PipelineSchema,
  Stage: StageSchema,
  PipelinePage: PipelinePageSchema,
  PipelineList: PipelineListSchema,
  Count: CountSchema,
  Metrics: MetricsSchema,
  ApiKey: ApiKeySchema,
  CreatedApiKey: CreatedApiKeySchema,
  ApiKeyList: ApiKeyListSchema,
  ArchiveRun: ArchiveRunSchema,
  ArchiveRunList: ArchiveRunListSchema,
  Health: HealthSchema,
  Actor: ActorSchema,
  RevisionSummary: RevisionSummarySchema,
  Revision: RevisionSchema,
  RevisionPage: RevisionPageSchema,
  Diff: DiffSchema,
  AuditEvent: AuditEventSchema,
  AuditPage: AuditPageSchema,
  Problem: ProblemSchema,
};

const REQUEST_SCHEMAS = {
  NewPipeline: NewPipelineSchema,
  NewStage: NewStageSchema,
  PipelineReplacement: PipelineReplacementSchema,
  ReplacementStage: ReplacementStageSchema,
  PipelinePatch: PipelinePatchSchema,
  PipelineImport: PipelineImportSchema,
  MetricsInput: MetricsInputSchema,
  NewApiKey: NewApiKeySchema,
  ArchiveRunRequest: ArchiveRunRequestSchema,
  RollbackRequest: RollbackRequestSchema,
};

export type SchemaName = keyof typeof RESPONSE_SCHEMAS | keyof typeof REQUEST_SCHEMAS;

/**
 * Request schemas are converted through their documented twins (src/domain/json-schemas.ts):
 * the schemas that validate refuse arrays and bound sizes in code, which a converter cannot read.
 */
const DOCUMENTED_REQUESTS = Object.fromEntries(
  Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name, documentedAs(schema)]),
) as Record<keyof typeof REQUEST_SCHEMAS, v.GenericSchema>;

const names = new Map<v.GenericSchema, SchemaName>();
for (const named of [RESPONSE_SCHEMAS, REQUEST_SCHEMAS, DOCUMENTED_REQUESTS]) {
  for (const [name, schema] of Object.entries(named)) names.set(schema as v.GenericSchema, name as SchemaName);
}

const pointer = (name: string) => `#/components/schemas/${name}`;

/** The registered name of a schema; an unnamed one is a programming error, caught when the module loads. */
export function schemaName(schema: v.GenericSchema): SchemaName {
  const name = names.get(schema);
  if (!name) throw new Error("This schema is not registered in src/http/openapi/components.ts.");
  return name;
}

export const schemaRef = (schema: v.GenericSchema): Ref => ({ $ref: pointer(schemaName(schema)) });

const OBJECTS = new Set(["object", "object_with_rest", "strict_object"]);

/**
 * Every object is closed (`additionalProperties: false`): requests refuse unknown members
 * (jsonObject's `never` rest would otherwise come out as `{not: {}}`, which generators read as
 * an open index signature), and responses carry exactly the documented members. In requests a
 * default goes into the description: generators such as openapi-typescript make a member with a
 * `default` required, though a client may leave it out.
 */
function override(typeMode: "input" | "output", { valibotSchema, jsonSchema }: OverrideSchemaContext) {
  let schema = OBJECTS.has(valibotSchema.type) ? { ...jsonSchema, additionalProperties: false } : jsonSchema;
  if (typeMode === "input" && schema.default !== undefined) {
    const { default: fallback, ...rest } = schema;
    const note = `Defaults to \`${JSON.stringify(fallback)}\`.`;
    schema = { ...rest, description: rest.description ? `${rest.description} ${note}` : note };
  }
  return schema === jsonSchema ? undefined : schema;
}

const config = (typeMode: "input" | "output"): ConversionConfig => ({
  target: "draft-2020-12",
  typeMode,
  // Checks that JSON Schema cannot say (code point counts, cross-field rules) carry their limits
  // as metadata; the rest are documented in descriptions.
  errorMode: "ignore",
  overrideRef: ({ referenceId }) => pointer(referenceId),
  overrideSchema: (context) => override(typeMode, context),
});

/** `components.schemas`, converted once per isolate. */
let converted: Record<SchemaName, JsonSchema> | undefined;
export function componentSchemas(): Record<SchemaName, JsonSchema> {
  converted ??= {
    ...toJsonSchemaDefs(RESPONSE_SCHEMAS, config("output")),
    ...toJsonSchemaDefs(DOCUMENTED_REQUESTS, config("input")),
  } as Record<SchemaName, JsonSchema>;
  return converted;
}
