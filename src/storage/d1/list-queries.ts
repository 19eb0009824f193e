import type { ListQuery, PipelineFilter, SortField } from "../../domain/repository";
import { type SQL, sql, where } from "../shared/sql";
import { PIPELINE_JSON } from "./projection";

/**
 * The SQL of list pages and filtered counts. A page walks one index in its own order, from
 * its keyset position, and stops after `limit + 1` rows (the last one tells whether a next
 * page exists): it reads what it returns, however many pipelines match or precede it.
 *
 * Every index leads with the workspace, so a page reads the rows of its own workspace only.
 * - Without configuration filters, or with a name (the most selective filter), the pipelines'
 *   own indexes drive: (workspace, archived, <sort>, id), or (workspace, <sort>, id) for `archived=all`.
 * - With `config.<key>=<value>` filters, the first one drives: its entries carry copies of
 *   their pipeline's archived flag and sort keys (migrations/0004), indexed as
 *   (workspace, key, value, [archived,] <sort>, pipeline_id), and the pipeline is joined by id. Further
 *   filters are checked per entry, so those reads grow with the pipelines that match the first
 *   filter and not the others.
 *
 * SQLite counts the rows it visits in temporary B-trees and window buffers as rows read, so
 * the page is ordered by the driving index itself, never sorted afterwards.
 */

interface Source {
  /** The table that drives, aliased. */
  table: SQL;
  /** What a page joins to it to reach the pipeline `p`. */
  join: SQL;
  id: SQL;
  sort: Record<SortField, SQL>;
  conditions: SQL[];
}

const hasEntry = (pipelineId: SQL, [key, value]: readonly [string, string]) =>
  sql`EXISTS (SELECT 1 FROM pipeline_configuration e WHERE e.pipeline_id = ${pipelineId} AND e.key = ${key} AND e.value = ${value})`;

const archivedFlag = (filter: PipelineFilter) => (filter.archived === "all" ? undefined : filter.archived === "true" ? 1 : 0);

function source(workspace: string, filter: PipelineFilter): Source {
  const archived = archivedFlag(filter);
  const [first, ...others] = filter.config;
  if (first === undefined || filter.name !== undefined) {
    const id = sql`p.id`;
    return {
      table: sql`pipelines p`,
      join: sql``,
      id,
      sort: { name: sql`p.name`, createdAt: sql`p.created_at`, updatedAt: sql`p.updated_at` },
      conditions: [
        sql`p.workspace = ${workspace}`,
        ...(archived === undefined ? [] : [sql`p.archived = ${archived}`]),
        ...(filter.name === undefined ? [] : [sql`p.name = ${filter.name}`]),
        ...filter.config.map((entry) => hasEntry(id, entry)),
      ],
    };
  }
  const id = sql`f.pipeline_id`;
  return {
    table: sql`pipeline_configuration f`,
    // CROSS JOIN keeps the entries as the outer loop, so their index gives the page's order.
    join: sql`CROSS JOIN pipelines p ON p.id = f.pipeline_id`,
    id,
    sort: { name: sql`f.pipeline_name`, createdAt: sql`f.pipeline_created_at`, updatedAt: sql`f.pipeline_updated_at` },
    conditions: [
      sql`f.pipeline_workspace = ${workspace} AND f.key = ${first[0]} AND f.value = ${first[1]}`,
      ...(archived === undefined ? [] : [sql`f.pipeline_archived = ${archived}`]),
      ...others.map((entry) => hasEntry(id, entry)),
    ],
  };
}

/** `limit + 1` pipelines of the page, each one JSON column `pipeline`. */
export function pageQuery(workspace: string, query: ListQuery): SQL {
  const from = source(workspace, query);
  const sort = from.sort[query.sort.field];
  const direction = sql.raw(query.sort.descending ? "DESC" : "ASC");
  const conditions = [...from.conditions];
  if (query.after) {
    const value = query.sort.field === "name" ? query.after.value : Date.parse(query.after.value);
    conditions.push(sql`(${sort}, ${from.id}) ${sql.raw(query.sort.descending ? "<" : ">")} (${value}, ${query.after.id})`);
  }
  const offset = query.offset ? sql` OFFSET ${query.offset}` : sql``;
  return sql`SELECT ${PIPELINE_JSON} AS pipeline FROM ${from.table} ${from.join} ${where(conditions)}
    ORDER BY ${sort} ${direction}, ${from.id} ${direction} LIMIT ${query.limit + 1}${offset}`;
}

/** Count of the pipelines that match a filter with a name or configuration entries. */
export function countQuery(workspace: string, filter: PipelineFilter): SQL {
  const from = source(workspace, filter);
  return sql`SELECT count(*) AS count FROM ${from.table} ${where(from.conditions)}`;
}
