import type { FieldIssue } from "../../domain/errors";
import { LIMITS, MAP_KEY_PATTERN, MAP_KEY_RULE, MAP_VALUE_RULE } from "../../domain/pipeline";
import type { ArchivedFilter, ListQuery, PipelineFilter, SortField } from "../../domain/repository";
import { hasNul, NO_NUL } from "../../domain/validation";
import { DEFAULT_LIMIT, invalidQuery, isNonNegativeInteger, MAX_LIMIT, parseLimit } from "../shared/query";
import { decodeCursor } from "./cursor";

/** Parses the query of `GET /v1/workspaces/{workspace}/pipelines` and `/count`; unknown parameters are errors. */

/**
 * Each configuration filter binds parameters in one SQL statement, and D1 takes at most 100
 * bound parameters: 20 filters leave room for every other parameter of a page.
 */
export const MAX_CONFIG_FILTERS = 20;
/** `config.<key>`, or `config[<key>]` as OpenAPI clients send a deepObject parameter: the same filter. */
const CONFIG_PARAMETER = /^config(?:\.(.*)|\[(.*)\])$/s;
const configKey = (name: string) => {
  const match = CONFIG_PARAMETER.exec(name);
  return match ? (match[1] ?? match[2] ?? "") : undefined;
};
const ARCHIVED: readonly ArchivedFilter[] = ["false", "true", "all"];
const SORTS: readonly SortField[] = ["name", "createdAt", "updatedAt"];

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
  // The bound first: past it, the filters are not checked one by one.
  const filters = [...names].filter((name) => configKey(name) !== undefined).length;
  if (filters > MAX_CONFIG_FILTERS) issue("config", `at most ${MAX_CONFIG_FILTERS} configuration filters`);
  const filteredKeys = new Set<string>();
  for (const name of names) {
    const values = params.getAll(name);
    if (values.length > 1) issue(name, "give this parameter once");
    const key = configKey(name);
    if (key !== undefined) {
      if (filters > MAX_CONFIG_FILTERS) continue;
      const value = values[0] ?? "";
      if (!MAP_KEY_PATTERN.test(key)) issue(name, `configuration ${MAP_KEY_RULE}`);
      else if (value.length > LIMITS.valueLength) issue(name, `configuration ${MAP_VALUE_RULE}`);
      else if (hasNul(value)) issue(name, NO_NUL);
      else if (filteredKeys.has(key)) issue(name, "give each configuration key once (config.<key> and config[<key>] are the same filter)");
      else {
        filteredKeys.add(key);
        config.push([key, value]);
      }
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
  if (name !== undefined && (nameLength === 0 || nameLength > LIMITS.nameLength)) {
    issue("name", `name is 1 to ${LIMITS.nameLength} characters`);
  } else if (name !== undefined && hasNul(name)) issue("name", NO_NUL);
  return { filter: { archived: archived as ArchivedFilter, name, config }, issues, single };
}

export function parseCountQuery(params: URLSearchParams): PipelineFilter {
  const { filter, issues } = parseFilter(params, ["archived", "name"]);
  if (issues.length > 0) throw invalidQuery(issues);
  return filter;
}

/** A listing of `workspace`: its cursor must be one of this workspace's listings. */
export function parseListQuery(params: URLSearchParams, workspace: string): ListQuery {
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
  if (offsetParam !== undefined && !isNonNegativeInteger(offsetParam)) issue("offset", "offset is a non-negative integer");
  if (offsetParam !== undefined && cursor !== undefined) issue("offset", "give either cursor or offset, not both");

  if (issues.length > 0) throw invalidQuery(issues);
  const query: ListQuery = { ...filter, sort: { field, descending }, limit: limit ?? DEFAULT_LIMIT };
  if (cursor !== undefined) query.after = decodeCursor({ ...query, workspace }, cursor);
  if (offsetParam !== undefined) query.offset = Number(offsetParam);
  return query;
}
