-- Hand-written: history starts with what exists. Every pipeline gets the revision of its current
-- version (the pipeline as the API answers it today: the projection of
-- src/infrastructure/db/projection.ts as it is at this migration), recorded by the system with
-- request id `migration-0007`. Earlier versions were never kept, so they are not invented; no
-- audit events are made up either.
INSERT INTO `pipeline_revisions` (`pipeline_id`, `version`, `change`, `actor_type`, `actor_id`, `request_id`, `changed_at`, `pipeline`, `write_id`)
SELECT p.id, p.version,
  CASE WHEN p.version = 1 THEN 'created' WHEN p.archived = 1 THEN 'archived' ELSE 'replaced' END,
  'system', NULL, 'migration-0007', p.updated_at,
  json_object(
  'id', p.id, 'name', p.name, 'archived', json(iif(p.archived, 'true', 'false')),
  'configuration', json((SELECT json_group_object(c.key, c.value) FROM pipeline_configuration c WHERE c.pipeline_id = p.id)),
  'stages', json((SELECT json_group_array(json(s.stage)) FROM (
    SELECT json_object(
      'id', st.id, 'name', st.name, 'stageType', st.stage_type, 'algorithm', st.algorithm,
      'enabled', json(iif(st.enabled, 'true', 'false')), 'parallelProcessing', json(iif(st.parallel_processing, 'true', 'false')),
      'chunkSize', st.chunk_size, 'order', st.position,
      'parameters', json((SELECT json_group_object(sp.key, sp.value) FROM stage_parameters sp WHERE sp.stage_id = st.id)),
      'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', st.created_at / 1000.0, 'unixepoch'), 'updatedAt', strftime('%Y-%m-%dT%H:%M:%fZ', st.updated_at / 1000.0, 'unixepoch')
    ) AS stage
    FROM pipeline_stages st WHERE st.pipeline_id = p.id ORDER BY st.position) s)),
  'version', p.version, 'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', p.created_at / 1000.0, 'unixepoch'), 'updatedAt', strftime('%Y-%m-%dT%H:%M:%fZ', p.updated_at / 1000.0, 'unixepoch')
),
  'migration-0007'
FROM `pipelines` p WHERE 1
-- A revision that somehow exists already for a current version is kept as it is.
ON CONFLICT DO NOTHING;
