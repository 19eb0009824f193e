/**
 * The text of the one read projection (see ./projection.ts), in a module of its own without
 * imports, so that tools outside the Worker (the bench's seeding) use the very same SQL.
 */

/** Epoch milliseconds as `2026-11-26T12:00:00.000Z` (SQLite rounds to the millisecond). */
const isoTime = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
const bool = (column: string) => `json(iif(${column}, 'true', 'false'))`;

// json() around each subquery: a subquery's result loses its JSON type and would be nested as a string.
export const PIPELINE_JSON_SQL = `json_object(
  'id', p.id, 'name', p.name, 'archived', ${bool("p.archived")},
  'configuration', json((SELECT json_group_object(c.key, c.value) FROM pipeline_configuration c WHERE c.pipeline_id = p.id)),
  'stages', json((SELECT json_group_array(json(s.stage)) FROM (
    SELECT json_object(
      'id', st.id, 'name', st.name, 'stageType', st.stage_type, 'algorithm', st.algorithm,
      'enabled', ${bool("st.enabled")}, 'parallelProcessing', ${bool("st.parallel_processing")},
      'chunkSize', st.chunk_size, 'order', st.position,
      'parameters', json((SELECT json_group_object(sp.key, sp.value) FROM stage_parameters sp WHERE sp.stage_id = st.id)),
      'createdAt', ${isoTime("st.created_at")}, 'updatedAt', ${isoTime("st.updated_at")}
    ) AS stage
    FROM pipeline_stages st WHERE st.pipeline_id = p.id ORDER BY st.position) s)),
  'version', p.version, 'createdAt', ${isoTime("p.created_at")}, 'updatedAt', ${isoTime("p.updated_at")}
)`;
