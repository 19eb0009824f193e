import type { FieldIssue } from "../../domain/errors";
import { ValidationError } from "../../domain/errors";
import type { ArchivedFilter, ListQuery, PipelineFilter, SortField } from "../../domain/repository";
import { decodeCursor } from "./cursor";

/** Parses the query of `GET /v1/pipelines` and `/count` (API.md "Listing"); unknown parameters are errors. */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const CONFIG_PREFIX = "config.";
const CONFIG_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const ARCHIVED: readonly ArchivedFilter[] = ["false", "true", "all"];
const SORTS: readonly SortField[] = ["name", "createdAt", "updatedAt"];

const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,8})$/;

/** A `limit` parameter: an integer from 1 to `max` (`fallback` when absent), or undefined when invalid. */
export function parseLimit(param: string | undefined, fallback: number, max: number): number | undefined {
  if (param === undefined) return fallback;
  const limit = Number(param);
  return NON_NEGATIVE_INTEGER.test(param) && limit >= 1 && limit <= max ? limit : undefined;
}

interface Parsed {
  filter: PipelineFilter;
  issues: FieldIssue[];
  single: (name: string) => string | undefined;
}

function parseFilter(params: URLSearchParams, allowed: readonly string[]): Parsed {
  const issues: FieldIssue[] = [];
  const issue = (name: string, message: string) => issues.push({ path: `/${name}`, message });
  const config: [string, string][] = [];
  const names = new Set(params.keys());
  for (const name of names) {
    const values = params.getAll(name);
    if (values.length > 1) issue(name, "give this parameter once");
    if (name.startsWith(CONFIG_PREFIX)) {
      const key = name.slice(CONFIG_PREFIX.length);
      const value = values[0] ?? "";
      if (!CONFIG_KEY.test(key)) issue(name, "configuration keys are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
      else if (value.length > 4096) issue(name, "configuration values are at most 4096 characters");
      else config.push([key, value]);
    } else if (!allowed.includes(name)) {
      issue(name, "unknown query parameter");
    }
  }
  const single = (name: string) => params.get(name) ?? undefined;
  const archived = single("archived") ?? "false";
  if (!ARCHIVED.includes(archived as ArchivedFilter)) issue("archived", "archived is false, true or all");
  const name = single("name");
  // Characters are code points, as names are counted when they are written (100 emoji are 200 UTF-16 units).
  const nameLength = name === undefined ? 0 : [...name].length;
  if (name !== undefined && (nameLength === 0 || nameLength > 100)) issue("name", "name is 1 to 100 characters");
  return { filter: { archived: archived as ArchivedFilter, name, config }, issues, single };
}

export function parseCountQuery(params: URLSearchParams): PipelineFilter {
  const { filter, issues } = parseFilter(params, ["archived", "name"]);
  if (issues.length > 0) throw new ValidationError(issues, "The query is invalid; see errors.");
  return filter;
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const { filter, issues, single } = parseFilter(params, ["archived", "name", "sort", "limit", "cursor", "offset"]);
  const issue = (name: string, message: string) => issues.push({ path: `/${name}`, message });

  const sortParam = single("sort") ?? "name";
  const descending = sortParam.startsWith("-");
  const field = (descending ? sortParam.slice(1) : sortParam) as SortField;
  if (!SORTS.includes(field)) issue("sort", "sort is name, createdAt or updatedAt, with '-' in front for descending");

  const limit = parseLimit(single("limit"), DEFAULT_LIMIT, MAX_LIMIT);
  if (limit === undefined) issue("limit", `limit is an integer from 1 to ${MAX_LIMIT}`);

  const offsetParam = single("offset");
  const cursor = single("cursor");
  if (offsetParam !== undefined && !NON_NEGATIVE_INTEGER.test(offsetParam)) issue("offset", "offset is a non-negative integer");
  if (offsetParam !== undefined && cursor !== undefined) issue("offset", "give either cursor or offset, not both");

  if (issues.length > 0) throw new ValidationError(issues, "The query is invalid; see errors.");
  const query: ListQuery = { ...filter, sort: { field, descending }, limit: limit ?? DEFAULT_LIMIT };
  if (cursor !== undefined) query.after = decodeCursor(query, cursor);
  if (offsetParam !== undefined) query.offset = Number(offsetParam);
  return query;
}
