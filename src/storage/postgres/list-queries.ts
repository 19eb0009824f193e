import type { ListQuery, PipelineFilter, SortField } from "../../domain/repository";
import { type SQL, sql, where } from "../shared/sql";

/**
 * List pages and filtered counts on PostgreSQL, in one workspace. A page walks the pipelines'
 * index for its sort, (workspace, archived, <sort>, id) or (workspace, <sort>, id) for
 * `archived=all`, from its keyset position, and
 * stops after `limit + 1` rows (the last one tells whether a next page exists); the projection
 * runs only on those rows (not on those an offset skips). Configuration filters are EXISTS
 * probes on (key, value, pipeline_id).
 */

const SORT_COLUMNS: Record<SortField, SQL> = {
  name: sql`p.name`,
  createdAt: sql`p.created_at`,
  updatedAt: sql`p.updated_at`,
};

function conditions(workspace: string, filter: PipelineFilter): SQL[] {
  return [
    sql`p.workspace = ${workspace}`,
    ...(filter.archived === "all" ? [] : [sql`p.archived = ${filter.archived === "true"}`]),
    ...(filter.name === undefined ? [] : [sql`p.name = ${filter.name}`]),
    ...filter.config.map(
      ([key, value]) =>
        sql`EXISTS (SELECT 1 FROM pipeline_configuration e WHERE e.pipeline_id = p.id AND e.key = ${key} AND e.value = ${value})`,
    ),
  ];
}

/** `limit + 1` pipelines of the page, each one JSON member `pipeline`. */
export function pageQuery(workspace: string, query: ListQuery): SQL {
  const sort = SORT_COLUMNS[query.sort.field];
  const direction = sql.raw(query.sort.descending ? "DESC" : "ASC");
  const all = conditions(workspace, query);
  if (query.after) {
    const value = query.sort.field === "name" ? sql`${query.after.value}` : sql`${query.after.value}::timestamptz`;
    all.push(sql`(${sort}, p.id) ${sql.raw(query.sort.descending ? "<" : ">")} (${value}, ${query.after.id})`);
  }
  // The page's ids first, the projection after: PostgreSQL would otherwise build the JSON of
  // every row an OFFSET skips.
  return sql`SELECT registry_pipeline_json(page.id) AS pipeline FROM (
      SELECT p.id, ${sort} AS sort_value FROM pipelines p ${where(all)}
      ORDER BY ${sort} ${direction}, p.id ${direction} LIMIT ${query.limit + 1} OFFSET ${query.offset ?? 0}
    ) page ORDER BY page.sort_value ${direction}, page.id ${direction}`;
}

/** The count: from the counter rows (O(1)) without a name or configuration filter, else counted. */
export function countQuery(workspace: string, filter: PipelineFilter): SQL {
  if (filter.name === undefined && filter.config.length === 0) {
    const which = filter.archived === "all" ? sql`` : sql`AND archived = ${filter.archived === "true"}`;
    return sql`SELECT coalesce(sum(total), 0)::integer AS count FROM pipeline_counts WHERE workspace = ${workspace} ${which}`;
  }
  return sql`SELECT count(*)::integer AS count FROM pipelines p ${where(conditions(workspace, filter))}`;
}
