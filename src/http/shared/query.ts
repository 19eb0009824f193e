import { type FieldIssue, ValidationError } from "../../domain/errors";

/** The query parameters every listing reads the same way. */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,8})$/;

/** The greatest integer a query or path parameter may be: nine digits, so it is a version or a count of rows, never a float. */
export const MAX_INTEGER_PARAM = 999_999_999;

/** An id-like filter (`resourceId`, `actorId`): 1 to 128 visible ASCII characters. */
export const FILTER_VALUE = /^[\x21-\x7e]{1,128}$/;

/** A non-negative integer parameter as clients write it: digits only, no sign, no leading zero. */
export const isNonNegativeInteger = (param: string) => NON_NEGATIVE_INTEGER.test(param);

/** A `limit` parameter: an integer from 1 to `max` (`fallback` when absent), or undefined when invalid. */
export function parseLimit(param: string | undefined, fallback: number, max: number): number | undefined {
  if (param === undefined) return fallback;
  const limit = Number(param);
  return isNonNegativeInteger(param) && limit >= 1 && limit <= max ? limit : undefined;
}

/** A request's query parameters, with an issue for each unknown one and each one given twice. */
export function checkedQuery(url: string, allowed: readonly string[]): { params: URLSearchParams; issues: FieldIssue[] } {
  const params = new URL(url).searchParams;
  const issues: FieldIssue[] = [];
  for (const name of new Set(params.keys())) {
    if (!allowed.includes(name)) issues.push({ path: `/${name}`, message: "unknown query parameter" });
    else if (params.getAll(name).length > 1) issues.push({ path: `/${name}`, message: "give this parameter once" });
  }
  return { params, issues };
}

/** The 400 of a query with issues, each at `/<parameter>`. */
export const invalidQuery = (issues: FieldIssue[]) => new ValidationError(issues, "The query is invalid; see errors.");
