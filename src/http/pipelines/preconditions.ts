import type { WriteOptions } from "../../domain/repository";
import { badRequest } from "../errors";

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
