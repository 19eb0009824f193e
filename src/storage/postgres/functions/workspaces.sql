-- The workspaces themselves (workspaces.ts), and the rule that nothing goes into one that is
-- not live.

-- Nothing is inserted into a workspace that does not exist or whose deletion has begun,
-- whatever the statement (the check heading each call refuses first; this holds for any other
-- path too): a write racing a deletion aborts rather than leave a row behind that a new
-- workspace of the same id would see. Per statement, over the rows it inserted, so an import
-- of many pipelines checks once. Writers take the write lock first, and a deletion step is a
-- writer, so the state it reads is the committed one.
CREATE FUNCTION registry_workspace_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT workspace FROM added) a
             WHERE NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = a.workspace AND w.deleted_at IS NULL)) THEN
    PERFORM registry_refuse('workspace_missing');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER pipelines_workspace_live AFTER INSERT ON pipelines
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER api_keys_workspace_live AFTER INSERT ON api_keys
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER archive_runs_workspace_live AFTER INSERT ON archive_runs
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER audit_events_workspace_live AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER change_events_workspace_live AFTER INSERT ON change_events
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER change_feeds_workspace_live AFTER INSERT ON change_feeds
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER idempotency_keys_workspace_live AFTER INSERT ON idempotency_keys
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();
CREATE TRIGGER webhook_endpoints_workspace_live AFTER INSERT ON webhook_endpoints
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_workspace_live();

-- A new workspace with its two counter rows; false when the id is taken (by a workspace, or
-- by one whose deletion has not finished).
CREATE FUNCTION registry_create_workspace(ws text, display_name text, at timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO workspaces (id, display_name, created_at, deleted_at) VALUES (ws, display_name, at, NULL) ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO pipeline_counts (workspace, archived, total) VALUES (ws, false, 0), (ws, true, 0);
  RETURN true;
END
$$;

-- One step of deleting workspace `ws`: from the first one on it is unreachable (deleted_at set,
-- under the write lock and the row's own lock, which every write's check waits for); each step
-- deletes at most `pipeline_limit` pipelines (what they own goes by cascade) and `row_limit`
-- rows of each other table; the step that finds nothing left deletes the counters and the
-- workspace, after which the id is free. Answers 'deleted' or 'more'.
CREATE FUNCTION registry_delete_workspace_step(ws text, now timestamptz, pipeline_limit integer, row_limit integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  w workspaces;
BEGIN
  PERFORM registry_begin_write();
  SELECT * INTO w FROM workspaces WHERE id = ws FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM registry_refuse('workspace_missing');
  END IF;
  IF w.deleted_at IS NULL THEN
    UPDATE workspaces SET deleted_at = now WHERE id = ws;
  END IF;
  -- A pipeline's metrics history can hold METRICS_KEEP rows: it goes by row_limit, and the
  -- pipeline (with what else it owns, by cascade) once its history is gone.
  DELETE FROM metrics_history WHERE seq IN (
    SELECT h.seq FROM pipelines p JOIN metrics_history h ON h.pipeline_id = p.id WHERE p.workspace = ws LIMIT row_limit);
  DELETE FROM pipelines WHERE id IN (SELECT p.id FROM pipelines p WHERE p.workspace = ws
    AND NOT EXISTS (SELECT 1 FROM metrics_history h WHERE h.pipeline_id = p.id) LIMIT pipeline_limit);
  DELETE FROM api_keys WHERE id IN (SELECT id FROM api_keys WHERE workspace = ws LIMIT row_limit);
  DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_events WHERE workspace = ws LIMIT row_limit);
  DELETE FROM change_events WHERE seq IN (SELECT seq FROM change_events WHERE workspace = ws LIMIT row_limit);
  DELETE FROM idempotency_keys
    WHERE workspace = ws AND (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE workspace = ws LIMIT row_limit);
  DELETE FROM archive_runs WHERE id IN (SELECT id FROM archive_runs WHERE workspace = ws LIMIT row_limit);
  DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries WHERE workspace = ws LIMIT row_limit);
  DELETE FROM webhook_outbox
    WHERE (endpoint_id, event_id) IN (SELECT endpoint_id, event_id FROM webhook_outbox WHERE workspace = ws LIMIT row_limit);
  IF EXISTS (SELECT 1 FROM pipelines WHERE workspace = ws) OR EXISTS (SELECT 1 FROM api_keys WHERE workspace = ws)
    OR EXISTS (SELECT 1 FROM audit_events WHERE workspace = ws) OR EXISTS (SELECT 1 FROM idempotency_keys WHERE workspace = ws)
    OR EXISTS (SELECT 1 FROM archive_runs WHERE workspace = ws) OR EXISTS (SELECT 1 FROM change_events WHERE workspace = ws)
    OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE workspace = ws) OR EXISTS (SELECT 1 FROM webhook_outbox WHERE workspace = ws) THEN
    RETURN 'more';
  END IF;
  DELETE FROM pipeline_counts WHERE workspace = ws;
  DELETE FROM change_feeds WHERE workspace = ws;
  DELETE FROM webhook_endpoints WHERE workspace = ws;
  DELETE FROM workspaces WHERE id = ws;
  RETURN 'deleted';
END
$$;

-- Change events' retention in workspace `ws`, the audit log's: the highest seq pruned is kept as
-- the feed's watermark (a cursor before it is a 410), then the events before `cutoff` go.
CREATE FUNCTION registry_prune_change_events(ws text, cutoff timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  through bigint;
BEGIN
  SELECT max(seq) INTO through FROM change_events WHERE workspace = ws AND at < cutoff;
  IF through IS NOT NULL THEN
    INSERT INTO change_feeds AS f (workspace, pruned_through) VALUES (ws, through)
      ON CONFLICT (workspace) DO UPDATE SET pruned_through = greatest(f.pruned_through, excluded.pruned_through);
    DELETE FROM change_events WHERE workspace = ws AND at < cutoff;
  END IF;
END
$$;

-- Retention, in every workspace at once (the archive job): audit events, and change events
-- of each live workspace (a deletion takes the others'), through its own part of the index on (workspace, at). A writer
-- like the others, so no deletion step runs meanwhile.
CREATE FUNCTION registry_prune_audit_events(cutoff timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  DELETE FROM audit_events WHERE at < cutoff;
  PERFORM registry_prune_change_events(w.id, cutoff) FROM workspaces w WHERE w.deleted_at IS NULL;
END
$$;
