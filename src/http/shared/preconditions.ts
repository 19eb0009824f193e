import type { Context } from "hono";
import { NotFoundError, pipelineNotFound, VersionMismatchError } from "../../domain/errors";
import { isId } from "../../domain/ids";
import type { Pipeline } from "../../domain/pipeline";
import type { WriteOptions } from "../../domain/repository";
import { type AppEnv, writeContext } from "../context";
import { badRequest } from "../errors";

/** What every route on one pipeline reads and answers: its id, its ETag, and the preconditions on it. */

/** ETags are the quoted version: `"3"`, strong. */
export const etagOf = (version: number) => `"${version}"`;

export interface EntityTag {
  weak: boolean;
  opaque: string;
}

const OWS = /[ \t]*/y;
/** entity-tag = [ weak ] opaque-tag; weak = %s"W/"; etagc = %x21 / %x23-7E / obs-text. */
const ENTITY_TAG = /(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/y;

/**
 * The grammar above as one pattern for the OpenAPI document, in a syntax that ECMA-262 and
 * Python's `re` both read: `*`, or a list of entity tags (elements may be empty) with
 * optional white space around the commas, of at most `maxTags` tags when given. It is stricter
 * than the parser where a generator would otherwise be refused: obs-text (bytes over 0x7F) is
 * left out, since a client's header encoding of them varies.
 */
export function entityTagListPattern(maxTags?: number): string {
  const tag = '(?:W/)?"[\\x21\\x23-\\x7e]*"';
  const more = maxTags === undefined ? "*" : `{0,${maxTags - 1}}`;
  return `^(?:[ \\t]*\\*[ \\t]*|[ \\t]*(?:${tag})?(?:[ \\t]*,[ \\t]*(?:${tag})?)${more}[ \\t]*)$`;
}

function skip(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  pattern.exec(text);
  return pattern.lastIndex;
}

/**
 * `If-Match` and `If-None-Match` by RFC 9110's grammar: `"*" / #entity-tag`, where the list
 * rule allows empty elements and white space around commas, and a comma inside the quotes
 * belongs to the tag. The value is read left to right, never split first, so `"a,b"` is one
 * tag. Null when the value does not follow the grammar.
 */
export function parseEntityTags(value: string): EntityTag[] | "*" | null {
  if (value.trim() === "*") return "*";
  const tags: EntityTag[] = [];
  let at = skip(OWS, value, 0);
  while (at < value.length) {
    if (value[at] !== ",") {
      ENTITY_TAG.lastIndex = at;
      const match = ENTITY_TAG.exec(value);
      if (!match) return null;
      tags.push({ weak: match[1] !== undefined, opaque: match[2] ?? "" });
      at = skip(OWS, value, ENTITY_TAG.lastIndex);
      if (at === value.length) break;
      if (value[at] !== ",") return null;
    }
    at = skip(OWS, value, at + 1);
  }
  return tags;
}

function entityTags(value: string): EntityTag[] | "*" {
  const tags = parseEntityTags(value);
  if (tags === null) throw badRequest('If-Match and If-None-Match take entity tags such as "3", a list of them, or *.');
  return tags;
}

/** A version's strong tag: the opaque part is the version in decimal, as `etagOf` writes it. */
const VERSION = /^[1-9][0-9]{0,14}$/;

/**
 * Distinct versions one `If-Match` may list: each one beyond the first may cost a write
 * attempt (see `conditionally`), so the list is bounded like every other input.
 */
export const MAX_IF_MATCH_VERSIONS = 16;

/**
 * The versions `If-Match` accepts, ascending; undefined when there is no condition (no
 * header, or `*`, which any existing pipeline meets). Strong comparison: a weak tag, or a
 * strong one that is no version of ours, matches nothing, so a list of only those is an
 * empty list, which the repository reports as a version mismatch (412) once it knows the
 * pipeline exists.
 */
export function ifMatchVersions(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined || ifMatch.trim() === "") return undefined;
  const tags = entityTags(ifMatch);
  if (tags === "*") return undefined;
  const strong = tags.filter((tag) => !tag.weak && VERSION.test(tag.opaque)).map((tag) => Number(tag.opaque));
  const versions = [...new Set(strong)].sort((a, b) => a - b);
  if (versions.length > MAX_IF_MATCH_VERSIONS) throw badRequest(`If-Match lists at most ${MAX_IF_MATCH_VERSIONS} distinct versions.`);
  return versions;
}

/** `If-None-Match` on GET matches (so 304): weak comparison, `*` matches any pipeline. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined || ifNoneMatch.trim() === "") return false;
  const tags = entityTags(ifNoneMatch);
  return tags === "*" || tags.some((tag) => tag.opaque === String(version));
}

/**
 * The versions `If-Match` accepts (as ifMatchVersions), but a malformed header is refused only
 * once `write`, tried with a version that never matches (versions start at 1), finds the
 * pipeline: a bad header never hides a 404. That attempt writes nothing.
 */
async function versionsOrRefusal(c: Context<AppEnv>, write: (options: WriteOptions) => Promise<unknown>) {
  try {
    return ifMatchVersions(c.req.header("If-Match"));
  } catch (refusal) {
    try {
      await write({ ...writeContext(c), expectedVersion: 0 });
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
    }
    throw refusal;
  }
}

/**
 * Runs a write under the request's `If-Match`, so the check and the write happen together:
 * the repository takes one expected version. A list of several distinct versions is met
 * when the current version is any of them; the write is tried with each, in ascending order,
 * until one is current. A refusal other than a version mismatch (404, 409) ends the attempts.
 *
 * When every attempt is refused, some moment of the request saw a version outside the list,
 * so the 412 is true: versions only grow, so if each attempt's current version were listed,
 * each would have to exceed the version that attempt named (the attempt was refused) and so
 * be at least the next one listed, until the last attempt's current version exceeds the
 * greatest listed. Failed attempts write nothing (the guard aborts them).
 */
export async function conditionally<T>(c: Context<AppEnv>, write: (options: WriteOptions) => Promise<T>): Promise<T> {
  const versions = await versionsOrRefusal(c, write);
  const context = writeContext(c);
  if (versions === undefined) return write(context);
  if (versions.length <= 1) return write({ ...context, expectedVersion: versions[0] ?? 0 });
  for (const [i, expectedVersion] of versions.entries()) {
    try {
      return await write({ ...context, expectedVersion });
    } catch (error) {
      if (!(error instanceof VersionMismatchError) || i === versions.length - 1) throw error;
    }
  }
  throw new Error("unreachable: the last attempt answers or throws");
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
