-- Revisions, audit events and change events, recorded by every write function in its own transaction.

-- Locks workspace `ws`'s feed row (made by the first write that needs it) until the commit, before
-- the write's change events take their seqs: a later writer of the workspace waits here for this
-- one to commit, so the workspace's seqs are handed out in the order of commit (a sequence alone
-- is not: a lower seq could commit after a higher one, and a consumer paging past it would miss it).
CREATE FUNCTION registry_lock_feed(ws text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM change_feeds WHERE workspace = ws FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO change_feeds (workspace) VALUES (ws) ON CONFLICT (workspace) DO NOTHING;
    PERFORM 1 FROM change_feeds WHERE workspace = ws FOR UPDATE;
  END IF;
END
$$;

-- The change event of a change to pipeline `pid` that records no revision (a delete: no version
-- and no pipeline; metrics: the pipeline as it now is), with its audit event's id.
CREATE FUNCTION registry_change_event(ws text, event_id text, at timestamptz, type text, ctx json, pid text, version integer,
  pipeline json) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_feed(ws);
  INSERT INTO change_events (id, workspace, type, at, actor_type, actor_id, request_id, resource_type, resource_id, version, pipeline)
  VALUES (event_id, ws, type, at, ctx->>'actorType', ctx->>'actorId', ctx->>'requestId', 'pipeline', pid, version, pipeline);
END
$$;

-- One audit event of workspace `ws`. `ctx` is the write's context: {actorType, actorId, requestId}.
CREATE FUNCTION registry_event(ws text, event_id text, at timestamptz, action text, ctx json, resource_type text, resource_id text,
  version integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO audit_events (id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
  VALUES (event_id, ws, at, action, ctx->>'actorType', ctx->>'actorId', resource_type, resource_id, version, ctx->>'requestId')
$$;

-- Revisions of pipelines `ids` of workspace `ws` as they now are, their audit events and change
-- events (one id each, from `event_ids`, in the order of the pipelines' ids; the change event
-- carries the revision's pipeline), and the pruning beyond the newest `keep`. A pipeline whose
-- current version has its revision already (a change that changed nothing) gets none of them.
CREATE FUNCTION registry_record(ws text, ids text[], change text, ctx json, keep integer, event_ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_lock_feed(ws);
  WITH recorded AS (
    INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline)
    SELECT p.id, p.version, change, ctx->>'actorType', ctx->>'actorId', ctx->>'requestId', p.updated_at, registry_pipeline_json(p.id)
    FROM pipelines p WHERE p.id = ANY (ids) AND p.workspace = ws
    ON CONFLICT DO NOTHING
    RETURNING pipeline_id, version, changed_at, pipeline
  ), numbered AS (
    SELECT r.*, row_number() OVER (ORDER BY r.pipeline_id) AS n FROM recorded r
  ), audited AS (
    INSERT INTO audit_events (id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
    SELECT event_ids[n::integer], ws, changed_at, 'pipeline.' || change, ctx->>'actorType', ctx->>'actorId', 'pipeline', pipeline_id,
      version, ctx->>'requestId'
    FROM numbered ORDER BY n
  )
  INSERT INTO change_events (id, workspace, type, at, actor_type, actor_id, request_id, resource_type, resource_id, version, pipeline)
  SELECT event_ids[n::integer], ws, 'pipeline.' || change, changed_at, ctx->>'actorType', ctx->>'actorId', ctx->>'requestId', 'pipeline',
    pipeline_id, version, pipeline
  FROM numbered ORDER BY n;
  DELETE FROM pipeline_revisions r USING pipelines p
    WHERE p.id = ANY (ids) AND p.workspace = ws AND r.pipeline_id = p.id AND r.version <= p.version - keep;
END
$$;
