-- The pipeline writes of pipeline-repository.ts: create and import, PUT and rollback
-- (registry_replace), merge patch, delete, archive and restore, metrics, each with its change
-- event (history.sql). Each is given its
-- workspace `ws` first, and reaches only that workspace's pipelines.

-- The current row of pipeline `pid` of workspace `ws`, locked, after the checks every pipeline
-- write makes (another workspace's pipeline is not found). The statements after it may name
-- the pipeline by its id alone.
CREATE FUNCTION registry_lock_pipeline(ws text, pid text, expected integer) RETURNS pipelines LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  PERFORM registry_begin_write();
  SELECT * INTO p FROM pipelines WHERE id = pid AND workspace = ws FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM registry_refuse('not_found');
  END IF;
  IF expected IS NOT NULL AND p.version <> expected THEN
    PERFORM registry_refuse('version_mismatch');
  END IF;
  RETURN p;
END
$$;

CREATE FUNCTION registry_name_taken(ws text, pid text, wanted text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pipelines o WHERE o.workspace = ws AND o.name = wanted AND NOT o.archived AND o.id <> pid)
$$;

-- New pipelines (the API's JSON shape, ids and times given) with their children, revisions
-- and events. Under an idempotency `claim` {scope, key, fingerprint, nonce, response, now,
-- expiresAt}, only if this request's nonce wins the key (of `ws`): otherwise nothing is written
-- and the earlier claim comes back as {fingerprint, response}. Null when the pipelines were
-- created. A create that would take the workspace past `max_pipelines` (archived ones count)
-- is refused; a replay, which creates nothing, is answered before that.
CREATE FUNCTION registry_create(ws text, items json, ctx json, keep integer, event_ids text[], claim json, max_pipelines integer)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  found idempotency_keys;
BEGIN
  PERFORM registry_begin_write();
  IF claim IS NOT NULL THEN
    DELETE FROM idempotency_keys
      WHERE workspace = ws AND scope = claim->>'scope' AND key = claim->>'key' AND expires_at <= (claim->>'now')::timestamptz;
    INSERT INTO idempotency_keys (workspace, scope, key, fingerprint, nonce, response, created_at, expires_at)
      VALUES (ws, claim->>'scope', claim->>'key', claim->>'fingerprint', claim->>'nonce', claim->>'response',
              (claim->>'now')::timestamptz, (claim->>'expiresAt')::timestamptz)
      ON CONFLICT DO NOTHING;
    SELECT * INTO found FROM idempotency_keys WHERE workspace = ws AND scope = claim->>'scope' AND key = claim->>'key';
    IF found.nonce <> claim->>'nonce' THEN
      RETURN json_build_object('fingerprint', found.fingerprint, 'response', found.response);
    END IF;
  END IF;
  -- The counter rows locked, then read: of two racing creates, the second counts what the first
  -- added (the triggers update these rows, so the lock costs no extra wait).
  IF (SELECT coalesce(sum(total), 0) FROM (SELECT total FROM pipeline_counts WHERE workspace = ws FOR UPDATE) c)
      + json_array_length(items) > max_pipelines THEN
    PERFORM registry_refuse('quota_exceeded');
  END IF;
  INSERT INTO pipelines (id, workspace, name, archived, version, created_at, updated_at)
    SELECT i->>'id', ws, i->>'name', (i->>'archived')::boolean, (i->>'version')::integer,
      (i->>'createdAt')::timestamptz, (i->>'updatedAt')::timestamptz
    FROM json_array_elements(items) i;
  INSERT INTO pipeline_stages (id, pipeline_id, position, name, stage_type, algorithm, enabled, parallel_processing, chunk_size,
      created_at, updated_at)
    SELECT s->>'id', i->>'id', (s->>'order')::integer, s->>'name', s->>'stageType', s->>'algorithm', (s->>'enabled')::boolean,
      (s->>'parallelProcessing')::boolean, (s->>'chunkSize')::integer, (s->>'createdAt')::timestamptz, (s->>'updatedAt')::timestamptz
    FROM json_array_elements(items) i, json_array_elements(i->'stages') s;
  INSERT INTO stage_parameters (stage_id, key, value)
    SELECT s->>'id', e.key, e.value
    FROM json_array_elements(items) i, json_array_elements(i->'stages') s, json_each_text(s->'parameters') e;
  INSERT INTO pipeline_configuration (pipeline_id, key, value)
    SELECT i->>'id', e.key, e.value FROM json_array_elements(items) i, json_each_text(i->'configuration') e;
  PERFORM registry_record(ws, ARRAY(SELECT i->>'id' FROM json_array_elements(items) i), 'created', ctx, keep, event_ids);
  RETURN NULL;
END
$$;

-- PUT and rollback, one path: `content` (name, configuration, stages with ids and createdAt)
-- becomes the current content as a new version; a rollback (`from_version`) takes it from
-- that revision. `kept` are the stage ids the client gave, which must be this pipeline's.
CREATE FUNCTION registry_replace(ws text, pid text, content json, from_version integer, kept text[], expected integer, change text, ctx json,
  keep integer, event_id text, now timestamptz) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(ws, pid, expected);
  IF p.archived THEN
    PERFORM registry_refuse('archived');
  END IF;
  IF from_version IS NOT NULL THEN
    SELECT r.pipeline INTO content FROM pipeline_revisions r WHERE r.pipeline_id = pid AND r.version = from_version;
    IF content IS NULL THEN
      PERFORM registry_refuse('revision_not_found');
    END IF;
  END IF;
  IF registry_name_taken(ws, pid, content->>'name') THEN
    PERFORM registry_refuse('name_taken');
  END IF;
  IF (SELECT count(*) FROM pipeline_stages s WHERE s.pipeline_id = pid AND s.id = ANY (kept)) <> cardinality(kept) THEN
    PERFORM registry_refuse('foreign_stage');
  END IF;
  UPDATE pipelines SET name = content->>'name', version = version + 1, updated_at = now WHERE id = pid;
  DELETE FROM pipeline_stages
    WHERE pipeline_id = pid AND id NOT IN (SELECT s->>'id' FROM json_array_elements(content->'stages') s);
  DELETE FROM stage_parameters WHERE stage_id IN (SELECT id FROM pipeline_stages WHERE pipeline_id = pid);
  -- A kept stage keeps its createdAt; everything else comes from the content.
  INSERT INTO pipeline_stages (id, pipeline_id, position, name, stage_type, algorithm, enabled, parallel_processing, chunk_size,
      created_at, updated_at)
    SELECT s->>'id', pid, (s->>'order')::integer, s->>'name', s->>'stageType', s->>'algorithm', (s->>'enabled')::boolean,
      (s->>'parallelProcessing')::boolean, (s->>'chunkSize')::integer, (s->>'createdAt')::timestamptz, now
    FROM json_array_elements(content->'stages') s
    ON CONFLICT (id) DO UPDATE SET position = excluded.position, name = excluded.name, stage_type = excluded.stage_type,
      algorithm = excluded.algorithm, enabled = excluded.enabled, parallel_processing = excluded.parallel_processing,
      chunk_size = excluded.chunk_size, updated_at = excluded.updated_at;
  INSERT INTO stage_parameters (stage_id, key, value)
    SELECT s->>'id', e.key, e.value FROM json_array_elements(content->'stages') s, json_each_text(s->'parameters') e;
  DELETE FROM pipeline_configuration WHERE pipeline_id = pid;
  INSERT INTO pipeline_configuration (pipeline_id, key, value)
    SELECT pid, e.key, e.value FROM json_each_text(content->'configuration') e;
  PERFORM registry_record(ws, ARRAY[pid], change, ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;

-- Merge patch: `new_name` when `has_name`; configuration `keep` (untouched), `clear` (all
-- removed) or `merge` (`patch`: null removes a key, a string sets it; at most `max_entries` after).
CREATE FUNCTION registry_patch(ws text, pid text, has_name boolean, new_name text, configuration_mode text, patch json, max_entries integer,
  expected integer, ctx json, keep integer, event_id text, now timestamptz) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(ws, pid, expected);
  IF p.archived THEN
    PERFORM registry_refuse('archived');
  END IF;
  IF has_name AND registry_name_taken(ws, pid, new_name) THEN
    PERFORM registry_refuse('name_taken');
  END IF;
  IF configuration_mode = 'merge' AND
    (SELECT count(*) FROM pipeline_configuration c WHERE c.pipeline_id = pid AND c.key NOT IN (SELECT key FROM json_each(patch)))
      + (SELECT count(*) FROM json_each(patch) WHERE json_typeof(value) <> 'null') > max_entries THEN
    PERFORM registry_refuse('too_many_entries');
  END IF;
  UPDATE pipelines SET name = CASE WHEN has_name THEN new_name ELSE name END, version = version + 1, updated_at = now WHERE id = pid;
  IF configuration_mode = 'clear' THEN
    DELETE FROM pipeline_configuration WHERE pipeline_id = pid;
  ELSIF configuration_mode = 'merge' THEN
    DELETE FROM pipeline_configuration
      WHERE pipeline_id = pid AND key IN (SELECT key FROM json_each(patch) WHERE json_typeof(value) = 'null');
    INSERT INTO pipeline_configuration (pipeline_id, key, value)
      SELECT pid, key, value FROM json_each_text(patch) WHERE value IS NOT NULL
      ON CONFLICT (pipeline_id, key) DO UPDATE SET value = excluded.value;
  END IF;
  PERFORM registry_record(ws, ARRAY[pid], 'patched', ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;

CREATE FUNCTION registry_delete(ws text, pid text, expected integer, ctx json, event_id text, now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_pipeline(ws, pid, expected);
  PERFORM registry_event(ws, event_id, now, 'pipeline.deleted', ctx, 'pipeline', pid, NULL);
  PERFORM registry_change_event(ws, event_id, now, 'pipeline.deleted', ctx, pid, NULL, NULL);
  DELETE FROM pipelines WHERE id = pid;
END
$$;

-- Archive or restore; already in that state changes nothing and records nothing (idempotent).
-- A restore whose name an active pipeline now has fails on the partial unique index.
CREATE FUNCTION registry_set_archived(ws text, pid text, target boolean, expected integer, ctx json, keep integer, event_id text,
  now timestamptz) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_pipeline(ws, pid, expected);
  UPDATE pipelines SET archived = target, version = version + 1, updated_at = now WHERE id = pid AND archived <> target;
  PERFORM registry_record(ws, ARRAY[pid], CASE WHEN target THEN 'archived' ELSE 'restored' END, ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;

-- The latest metrics `m` (the API's members, times as RFC 3339), replacing the previous ones, and
-- added to the metrics history, which keeps the newest `keep` (the pipeline's lock orders its seqs).
CREATE FUNCTION registry_put_metrics(ws text, pid text, m json, ctx json, event_id text, now timestamptz, keep integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(ws, pid, NULL);
  IF p.archived THEN
    PERFORM registry_refuse('archived');
  END IF;
  INSERT INTO processing_metrics AS old (pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time,
      processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes,
      output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at)
    SELECT pid, (m->>'bytesProcessed')::bigint, (m->>'bytesTotal')::bigint, (m->>'chunksProcessed')::bigint,
      (m->>'chunksTotal')::bigint, (m->>'startTime')::timestamptz, (m->>'endTime')::timestamptz,
      (m->>'processingDurationMs')::bigint, (m->>'throughputBytesPerSecond')::double precision,
      (m->>'compressionRatio')::double precision, (m->>'errorCount')::bigint, (m->>'warningCount')::bigint,
      (m->>'inputFileSizeBytes')::bigint, (m->>'outputFileSizeBytes')::bigint, m->>'inputFileChecksum', m->>'outputFileChecksum', now
    ON CONFLICT (pipeline_id) DO UPDATE SET bytes_processed = excluded.bytes_processed, bytes_total = excluded.bytes_total,
      chunks_processed = excluded.chunks_processed, chunks_total = excluded.chunks_total, start_time = excluded.start_time,
      end_time = excluded.end_time, processing_duration_ms = excluded.processing_duration_ms,
      throughput_bytes_per_second = excluded.throughput_bytes_per_second, compression_ratio = excluded.compression_ratio,
      error_count = excluded.error_count, warning_count = excluded.warning_count, input_file_size_bytes = excluded.input_file_size_bytes,
      output_file_size_bytes = excluded.output_file_size_bytes, input_file_checksum = excluded.input_file_checksum,
      output_file_checksum = excluded.output_file_checksum, updated_at = excluded.updated_at;
  INSERT INTO metrics_history (pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time,
      processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes,
      output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at)
    SELECT pipeline_id, bytes_processed, bytes_total, chunks_processed, chunks_total, start_time, end_time,
      processing_duration_ms, throughput_bytes_per_second, compression_ratio, error_count, warning_count, input_file_size_bytes,
      output_file_size_bytes, input_file_checksum, output_file_checksum, updated_at
    FROM processing_metrics WHERE pipeline_id = pid;
  -- Everything from the entry `keep` places below the newest down (nothing while fewer are kept).
  DELETE FROM metrics_history WHERE pipeline_id = pid
    AND seq <= (SELECT seq FROM metrics_history WHERE pipeline_id = pid ORDER BY seq DESC LIMIT 1 OFFSET keep);
  PERFORM registry_event(ws, event_id, now, 'pipeline.metricsRecorded', ctx, 'pipeline', pid, p.version);
  PERFORM registry_change_event(ws, event_id, now, 'pipeline.metricsRecorded', ctx, pid, p.version, registry_pipeline_json(pid));
END
$$;
