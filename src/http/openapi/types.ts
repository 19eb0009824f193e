/** The parts of OpenAPI 3.1 that this project writes; schemas are plain JSON Schema 2020-12 objects. */

export type JsonSchema = Record<string, unknown>;
export type Ref = { $ref: string };

export interface MediaType {
  schema: JsonSchema | Ref;
  example?: unknown;
}

export interface Header {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Ref>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  description?: string;
  required?: boolean;
  style?: "form" | "deepObject" | "simple";
  explode?: boolean;
  schema: JsonSchema;
  example?: unknown;
}

export interface RequestBody {
  required: boolean;
  content: Record<string, MediaType>;
}

export interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  parameters?: (Parameter | Ref)[];
  requestBody?: RequestBody;
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
}
