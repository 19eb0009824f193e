-- The registry's writes on PostgreSQL, one function call per request (src/infrastructure/pg/):
-- each function checks its preconditions on locked rows and refuses with
-- RAISE EXCEPTION 'guard:<reason>' (the reasons of src/infrastructure/refusals.ts), so a
-- refused write changes nothing, and records the change's revision and audit event in the
-- same transaction. The counter rows for O(1) counts are kept by triggers, as on D1.

-- Times as the API shows them: RFC 3339, UTC, milliseconds.
CREATE FUNCTION registry_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
--> statement-breakpoint
CREATE FUNCTION registry_refuse(reason text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'guard:' || reason;
END
$$;
--> statement-breakpoint
-- Every write takes this lock first and holds it to its commit: writes commit one at a time,
-- so audit events' seq follows the order of commit (what the audit log's paging relies on),
-- as D1's single writer gives. Reads take no lock.
CREATE FUNCTION registry_begin_write() RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(7305438210071)
$$;
--> statement-breakpoint
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
--> statement-breakpoint
-- The consistency token's source: the WAL position this request's work is part of (the insert
-- position, which is past the records the statement's write has just made).
CREATE FUNCTION registry_wal_position() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text
$$;
--> statement-breakpoint
-- An API key's check in the request's own statement: `k` is null (no key), or
-- {id, hash, grantors, lock}. For a write it locks the key's row (FOR SHARE) after the write
-- lock, so a revocation either commits first (and the write is refused) or waits for it.
CREATE FUNCTION registry_check_key(k json) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  held text;
BEGIN
  IF k IS NULL THEN
    RETURN;
  END IF;
  IF (k->>'lock')::boolean THEN
    PERFORM registry_begin_write();
    SELECT scopes INTO held FROM api_keys
      WHERE id = k->>'id' AND key_hash = k->>'hash' AND revoked_at IS NULL FOR SHARE;
  ELSE
    SELECT scopes INTO held FROM api_keys WHERE id = k->>'id' AND key_hash = k->>'hash' AND revoked_at IS NULL;
  END IF;
  IF held IS NULL THEN
    PERFORM registry_refuse('key_invalid');
  END IF;
  IF NOT string_to_array(held, ' ') && ARRAY(SELECT json_array_elements_text(k->'grantors')) THEN
    PERFORM registry_refuse('key_scope');
  END IF;
END
$$;
--> statement-breakpoint
-- The current row of pipeline `pid`, locked, after the checks every pipeline write makes.
CREATE FUNCTION registry_lock_pipeline(pid text, expected integer) RETURNS pipelines LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  PERFORM registry_begin_write();
  SELECT * INTO p FROM pipelines WHERE id = pid FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM registry_refuse('not_found');
  END IF;
  IF expected IS NOT NULL AND p.version <> expected THEN
    PERFORM registry_refuse('version_mismatch');
  END IF;
  RETURN p;
END
$$;
--> statement-breakpoint
CREATE FUNCTION registry_name_taken(pid text, wanted text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pipelines o WHERE o.name = wanted AND NOT o.archived AND o.id <> pid)
$$;
--> statement-breakpoint
-- One audit event. `ctx` is the write's context: {actorType, actorId, requestId}.
CREATE FUNCTION registry_event(event_id text, at timestamptz, action text, ctx json, resource_type text, resource_id text, version integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO audit_events (id, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
  VALUES (event_id, at, action, ctx->>'actorType', ctx->>'actorId', resource_type, resource_id, version, ctx->>'requestId')
$$;
--> statement-breakpoint
-- Revisions of pipelines `ids` as they now are, their events (ids from `event_ids`, in the
-- order of the pipelines' ids), and the pruning beyond the newest `keep`. A pipeline whose
-- current version has its revision already (a change that changed nothing) gets neither.
CREATE FUNCTION registry_record(ids text[], change text, ctx json, keep integer, event_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH recorded AS (
    INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline)
    SELECT p.id, p.version, change, ctx->>'actorType', ctx->>'actorId', ctx->>'requestId', p.updated_at, registry_pipeline_json(p.id)
    FROM pipelines p WHERE p.id = ANY (ids)
    ON CONFLICT DO NOTHING
    RETURNING pipeline_id, version, changed_at
  ), numbered AS (
    SELECT r.*, row_number() OVER (ORDER BY r.pipeline_id) AS n FROM recorded r
  )
  INSERT INTO audit_events (id, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
  SELECT event_ids[n::integer], changed_at, 'pipeline.' || change, ctx->>'actorType', ctx->>'actorId', 'pipeline', pipeline_id, version,
    ctx->>'requestId'
  FROM numbered ORDER BY n;
  DELETE FROM pipeline_revisions r USING pipelines p
    WHERE p.id = ANY (ids) AND r.pipeline_id = p.id AND r.version <= p.version - keep;
END
$$;
--> statement-breakpoint
-- New pipelines (the API's JSON shape, ids and times given) with their children, revisions
-- and events. Under an idempotency `claim` {scope, key, fingerprint, nonce, response, now,
-- expiresAt}, only if this request's nonce wins the key: otherwise nothing is written and the
-- earlier claim comes back as {fingerprint, response}. Null when the pipelines were created.
CREATE FUNCTION registry_create(items json, ctx json, keep integer, event_ids text[], claim json) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  found idempotency_keys;
BEGIN
  PERFORM registry_begin_write();
  IF claim IS NOT NULL THEN
    DELETE FROM idempotency_keys
      WHERE scope = claim->>'scope' AND key = claim->>'key' AND expires_at <= (claim->>'now')::timestamptz;
    INSERT INTO idempotency_keys (scope, key, fingerprint, nonce, response, created_at, expires_at)
      VALUES (claim->>'scope', claim->>'key', claim->>'fingerprint', claim->>'nonce', claim->>'response',
              (claim->>'now')::timestamptz, (claim->>'expiresAt')::timestamptz)
      ON CONFLICT DO NOTHING;
    SELECT * INTO found FROM idempotency_keys WHERE scope = claim->>'scope' AND key = claim->>'key';
    IF found.nonce <> claim->>'nonce' THEN
      RETURN json_build_object('fingerprint', found.fingerprint, 'response', found.response);
    END IF;
  END IF;
  INSERT INTO pipelines (id, name, archived, version, created_at, updated_at)
    SELECT i->>'id', i->>'name', (i->>'archived')::boolean, (i->>'version')::integer,
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
  PERFORM registry_record(ARRAY(SELECT i->>'id' FROM json_array_elements(items) i), 'created', ctx, keep, event_ids);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- PUT and rollback, one path: `content` (name, configuration, stages with ids and createdAt)
-- becomes the current content as a new version; a rollback (`from_version`) takes it from
-- that revision. `kept` are the stage ids the client gave, which must be this pipeline's.
CREATE FUNCTION registry_replace(pid text, content json, from_version integer, kept text[], expected integer, change text, ctx json,
  keep integer, event_id text, now timestamptz) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(pid, expected);
  IF p.archived THEN
    PERFORM registry_refuse('archived');
  END IF;
  IF from_version IS NOT NULL THEN
    SELECT r.pipeline INTO content FROM pipeline_revisions r WHERE r.pipeline_id = pid AND r.version = from_version;
    IF content IS NULL THEN
      PERFORM registry_refuse('revision_not_found');
    END IF;
  END IF;
  IF registry_name_taken(pid, content->>'name') THEN
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
  PERFORM registry_record(ARRAY[pid], change, ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;
--> statement-breakpoint
-- Merge patch: `new_name` when `has_name`; configuration `keep` (untouched), `clear` (all
-- removed) or `merge` (`patch`: null removes a key, a string sets it; at most `max_entries` after).
CREATE FUNCTION registry_patch(pid text, has_name boolean, new_name text, configuration_mode text, patch json, max_entries integer,
  expected integer, ctx json, keep integer, event_id text, now timestamptz) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(pid, expected);
  IF p.archived THEN
    PERFORM registry_refuse('archived');
  END IF;
  IF has_name AND registry_name_taken(pid, new_name) THEN
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
  PERFORM registry_record(ARRAY[pid], 'patched', ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;
--> statement-breakpoint
CREATE FUNCTION registry_delete(pid text, expected integer, ctx json, event_id text, now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_pipeline(pid, expected);
  PERFORM registry_event(event_id, now, 'pipeline.deleted', ctx, 'pipeline', pid, NULL);
  DELETE FROM pipelines WHERE id = pid;
END
$$;
--> statement-breakpoint
-- Archive or restore; already in that state changes nothing and records nothing (idempotent).
-- A restore whose name an active pipeline now has fails on the partial unique index.
CREATE FUNCTION registry_set_archived(pid text, target boolean, expected integer, ctx json, keep integer, event_id text, now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_pipeline(pid, expected);
  UPDATE pipelines SET archived = target, version = version + 1, updated_at = now WHERE id = pid AND archived <> target;
  PERFORM registry_record(ARRAY[pid], CASE WHEN target THEN 'archived' ELSE 'restored' END, ctx, keep, ARRAY[event_id]);
  RETURN registry_pipeline_json(pid);
END
$$;
--> statement-breakpoint
-- The latest metrics `m` (the API's members, times as RFC 3339), replacing the previous ones.
CREATE FUNCTION registry_put_metrics(pid text, m json, ctx json, event_id text, now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p pipelines;
BEGIN
  p := registry_lock_pipeline(pid, NULL);
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
  PERFORM registry_event(event_id, now, 'pipeline.metricsRecorded', ctx, 'pipeline', pid, p.version);
END
$$;
--> statement-breakpoint
CREATE FUNCTION registry_create_api_key(k json, ctx json, event_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  INSERT INTO api_keys (id, name, scopes, prefix, key_hash, created_at)
    VALUES (k->>'id', k->>'name', k->>'scopes', k->>'prefix', k->>'keyHash', (k->>'createdAt')::timestamptz);
  PERFORM registry_event(event_id, (k->>'createdAt')::timestamptz, 'apiKey.created', ctx, 'apiKey', k->>'id', NULL);
END
$$;
--> statement-breakpoint
-- Revokes at once; only the first revocation is an event. False for an unknown id.
CREATE FUNCTION registry_revoke_api_key(kid text, now timestamptz, ctx json, event_id text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  UPDATE api_keys SET revoked_at = now WHERE id = kid AND revoked_at IS NULL;
  IF FOUND THEN
    PERFORM registry_event(event_id, now, 'apiKey.revoked', ctx, 'apiKey', kid, NULL);
  END IF;
  RETURN EXISTS (SELECT 1 FROM api_keys WHERE id = kid);
END
$$;
--> statement-breakpoint
-- The archive job's batch: up to `batch_size` active pipelines updated before the cutoff,
-- oldest first, archived as a manual archive does, the run recorded with its event, and
-- audit events older than `audit_cutoff` pruned. Answers how many it archived.
CREATE FUNCTION registry_archive_stale(run json, batch_size integer, keep integer, ctx json, event_ids text[], run_event_id text,
  audit_cutoff timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz := (run->>'startedAt')::timestamptz;
  archived_ids text[];
BEGIN
  PERFORM registry_begin_write();
  WITH due AS (
    SELECT id FROM pipelines WHERE NOT archived AND updated_at < (run->>'cutoff')::timestamptz
    ORDER BY updated_at, id LIMIT batch_size FOR UPDATE
  ), changed AS (
    UPDATE pipelines p SET archived = true, version = p.version + 1, updated_at = started FROM due WHERE p.id = due.id RETURNING p.id
  )
  SELECT coalesce(array_agg(id), '{}') INTO archived_ids FROM changed;
  INSERT INTO archive_runs (id, trigger, cutoff, archived_count, status, started_at, finished_at)
    VALUES (run->>'id', run->>'trigger', (run->>'cutoff')::timestamptz, cardinality(archived_ids), 'succeeded', started,
            (run->>'finishedAt')::timestamptz);
  PERFORM registry_record(archived_ids, 'archived', ctx, keep, event_ids);
  PERFORM registry_event(run_event_id, (run->>'finishedAt')::timestamptz, 'archiveRun.finished', ctx, 'archiveRun', run->>'id', NULL);
  DELETE FROM audit_events WHERE at < audit_cutoff;
  RETURN cardinality(archived_ids);
END
$$;
--> statement-breakpoint
-- A run that archived nothing (a failed one), with its event.
CREATE FUNCTION registry_record_archive_run(run json, ctx json, event_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  INSERT INTO archive_runs (id, trigger, cutoff, archived_count, status, started_at, finished_at, error)
    VALUES (run->>'id', run->>'trigger', (run->>'cutoff')::timestamptz, (run->>'archivedCount')::integer, run->>'status',
            (run->>'startedAt')::timestamptz, (run->>'finishedAt')::timestamptz, run->>'error');
  PERFORM registry_event(event_id, (run->>'finishedAt')::timestamptz, 'archiveRun.finished', ctx, 'archiveRun', run->>'id', NULL);
END
$$;
--> statement-breakpoint
-- The counter rows behind O(1) unfiltered counts.
INSERT INTO pipeline_counts (archived, total) VALUES (false, 0), (true, 0);
--> statement-breakpoint
CREATE FUNCTION registry_count_pipelines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE pipeline_counts SET total = total - 1 WHERE archived = OLD.archived;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE pipeline_counts SET total = total + 1 WHERE archived = NEW.archived;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER pipelines_counted AFTER INSERT OR DELETE OR UPDATE OF archived ON pipelines
  FOR EACH ROW EXECUTE FUNCTION registry_count_pipelines();
