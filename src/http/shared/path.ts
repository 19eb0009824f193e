import type { Context } from "hono";
import { pipelineNotFound } from "../../domain/errors";
import { isId } from "../../domain/ids";

/** The `:id` of the path; an id that is not a ULID names no pipeline. */
export function pipelineId(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw pipelineNotFound(id);
  return id;
}
