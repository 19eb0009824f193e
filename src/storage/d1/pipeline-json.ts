/**
 * The text of the one read projection (see ./projection.ts), in a module of its own without
 * imports, so that tools outside the Worker (the bench's seeding) use the very same SQL.
 */

/** Epoch milliseconds as `2026-11-26T12:00:00.000Z` (SQLite rounds to the millisecond). */
const isoTime = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
const bool = (column: string) => `json(iif(${column}, 'true', 'false'))`;

// json() around each subquery: a subquery's result loses its JSON type and would be nested as a string.
// Each stage's object is built inside the aggregate, where it keeps that type: built in an inner
// subquery it would need a json() per stage, which SQLite parses again (every stage of every pipeline a page lists).
export const PIPELINE_JSON_SQL = `json_object(
  'id', p.id, 'name', p.name, 'archived', ${bool("p.archived")},
  'configuration', json((SELECT json_group_object(c.key, c.value) FROM pipeline_configuration c WHERE c.pipeline_id = p.id)),
  'stages', json((SELECT json_group_array(json_object(
      'id', s.id, 'name', s.name, 'stageType', s.stage_type, 'algorithm', s.algorithm,
      'enabled', ${bool("s.enabled")}, 'parallelProcessing', ${bool("s.parallel_processing")},
      'chunkSize', s.chunk_size, 'order', s.position,
      'parameters', json((SELECT json_group_object(sp.key, sp.value) FROM stage_parameters sp WHERE sp.stage_id = s.id)),
      'createdAt', ${isoTime("s.created_at")}, 'updatedAt', ${isoTime("s.updated_at")}
    )) FROM (SELECT * FROM pipeline_stages WHERE pipeline_id = p.id ORDER BY position) s)),
  'version', p.version, 'createdAt', ${isoTime("p.created_at")}, 'updatedAt', ${isoTime("p.updated_at")}
)`;
