import type { FieldIssue } from "../domain/errors";

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
