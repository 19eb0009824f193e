import type { Context } from "hono";
import { pipelineNotFound } from "../../domain/errors";
import { isId } from "../../domain/ids";
import type { Pipeline } from "../../domain/pipeline";
import type { WriteOptions } from "../../domain/repository";
import { type AppEnv, writeContext } from "../context";
import { badRequest } from "../errors";

/** What every route on one pipeline reads and answers: its id, its ETag, and the preconditions on it. */

/** ETags are the quoted version: `"3"`, strong. */
export const etagOf = (version: number) => `"${version}"`;

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

function parseTags(header: string): { weak: boolean; opaque: string }[] | "*" {
  if (header.trim() === "*") return "*";
  return header.split(",").map((part) => {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) throw badRequest('If-Match and If-None-Match take entity tags such as "3", or *.');
    return { weak: match[1] !== undefined, opaque: match[2] ?? "" };
  });
}

/**
 * `If-Match` as the repository's expected version, so the check and the write happen
 * together. Strong comparison: a weak or foreign tag can never match, which the
 * repository reports as a version mismatch (412) after checking that the pipeline exists.
 */
export function expectedVersion(ifMatch: string | undefined): WriteOptions {
  if (ifMatch === undefined) return {};
  const tags = parseTags(ifMatch);
  if (tags === "*") return {};
  const versions = tags.filter((tag) => !tag.weak && /^[1-9][0-9]{0,14}$/.test(tag.opaque)).map((t) => Number(t.opaque));
  if (versions.length > 1) throw badRequest("If-Match takes one entity tag here.");
  return { expectedVersion: versions[0] ?? 0 };
}

/** `If-None-Match` on GET matches (so 304): weak comparison, `*` matches any pipeline. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = parseTags(ifNoneMatch);
  return tags === "*" || tags.some((tag) => tag.opaque === String(version));
}

/** The `:id` of the path; an id that is not a ULID names no pipeline. */
export function pipelineId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw pipelineNotFound(id);
  return id;
}

/** The pipeline as the answer's body, its version as the answer's ETag. */
export function withEtag(c: Context<AppEnv>, pipeline: Pipeline): Pipeline {
  c.header("ETag", etagOf(pipeline.version));
  return pipeline;
}

/** A write's options: `If-Match` as the expected version, and who writes for which request (its history). */
export const writeOptions = (c: Context<AppEnv>) => ({ ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) });
