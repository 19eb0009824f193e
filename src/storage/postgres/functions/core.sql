-- What every other function uses: times as the API shows them, the refusal, the write lock,
-- the one projection of a pipeline, and the consistency token's source.

-- Times as the API shows them: RFC 3339, UTC, milliseconds.
CREATE FUNCTION registry_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION registry_refuse(reason text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'guard:' || reason;
END
$$;

-- Every write takes this lock first and holds it to its commit: writes commit one at a time,
-- so audit events' seq follows the order of commit (what the audit log's paging relies on),
-- as D1's single writer gives. Reads take no lock.
CREATE FUNCTION registry_begin_write() RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(7305438210071)
$$;

-- The one projection: pipeline `pid` as the API's JSON (json, not jsonb: members keep this order).
CREATE FUNCTION registry_pipeline_json(pid text) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', p.id, 'name', p.name, 'archived', p.archived,
    'configuration', (SELECT coalesce(json_object_agg(c.key, c.value ORDER BY c.key), '{}'::json)
                        FROM pipeline_configuration c WHERE c.pipeline_id = p.id),
    'stages', (SELECT coalesce(json_agg(json_build_object(
        'id', s.id, 'name', s.name, 'stageType', s.stage_type, 'algorithm', s.algorithm,
        'enabled', s.enabled, 'parallelProcessing', s.parallel_processing, 'chunkSize', s.chunk_size,
        'order', s.position,
        'parameters', (SELECT coalesce(json_object_agg(sp.key, sp.value ORDER BY sp.key), '{}'::json)
                         FROM stage_parameters sp WHERE sp.stage_id = s.id),
        'createdAt', registry_time(s.created_at), 'updatedAt', registry_time(s.updated_at)
      ) ORDER BY s.position), '[]'::json)
      FROM pipeline_stages s WHERE s.pipeline_id = p.id),
    'version', p.version, 'createdAt', registry_time(p.created_at), 'updatedAt', registry_time(p.updated_at))
  FROM pipelines p WHERE p.id = pid
$$;

-- The consistency token's source: the WAL position this request's work is part of (the insert
-- position, which is past the records the statement's write has just made).
CREATE FUNCTION registry_wal_position() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text
$$;
