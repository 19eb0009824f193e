-- The archive job's writes (archive-runs.ts), in one workspace.

-- The archive job's batch in workspace `ws`: up to `batch_size` active pipelines updated before
-- the cutoff, oldest first, archived as a manual archive does, the run recorded with its event,
-- and the workspace's audit and change events older than `audit_cutoff` pruned. Answers how many it archived.
CREATE FUNCTION registry_archive_stale(ws text, run json, batch_size integer, keep integer, ctx json, event_ids text[], run_event_id text,
  audit_cutoff timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz := (run->>'startedAt')::timestamptz;
  archived_ids text[];
BEGIN
  PERFORM registry_begin_write();
  WITH due AS (
    SELECT id FROM pipelines WHERE workspace = ws AND NOT archived AND updated_at < (run->>'cutoff')::timestamptz
    ORDER BY updated_at, id LIMIT batch_size FOR UPDATE
  ), changed AS (
    UPDATE pipelines p SET archived = true, version = p.version + 1, updated_at = started FROM due WHERE p.id = due.id RETURNING p.id
  )
  SELECT coalesce(array_agg(id), '{}') INTO archived_ids FROM changed;
  INSERT INTO archive_runs (id, workspace, trigger, cutoff, archived_count, status, started_at, finished_at)
    VALUES (run->>'id', ws, run->>'trigger', (run->>'cutoff')::timestamptz, cardinality(archived_ids), 'succeeded', started,
            (run->>'finishedAt')::timestamptz);
  PERFORM registry_record(ws, archived_ids, 'archived', ctx, keep, event_ids);
  PERFORM registry_event(ws, run_event_id, (run->>'finishedAt')::timestamptz, 'archiveRun.finished', ctx, 'archiveRun', run->>'id', NULL);
  DELETE FROM audit_events WHERE workspace = ws AND at < audit_cutoff;
  PERFORM registry_prune_change_events(ws, audit_cutoff);
  RETURN cardinality(archived_ids);
END
$$;

-- A run that archived nothing (a failed one), with its event.
CREATE FUNCTION registry_record_archive_run(ws text, run json, ctx json, event_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  INSERT INTO archive_runs (id, workspace, trigger, cutoff, archived_count, status, started_at, finished_at, error)
    VALUES (run->>'id', ws, run->>'trigger', (run->>'cutoff')::timestamptz, (run->>'archivedCount')::integer, run->>'status',
            (run->>'startedAt')::timestamptz, (run->>'finishedAt')::timestamptz, run->>'error');
  PERFORM registry_event(ws, event_id, (run->>'finishedAt')::timestamptz, 'archiveRun.finished', ctx, 'archiveRun', run->>'id', NULL);
END
$$;
