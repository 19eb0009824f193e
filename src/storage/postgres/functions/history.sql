-- Revisions and audit events, recorded by every write function in its own transaction.

-- One audit event of workspace `ws`. `ctx` is the write's context: {actorType, actorId, requestId}.
CREATE FUNCTION registry_event(ws text, event_id text, at timestamptz, action text, ctx json, resource_type text, resource_id text,
  version integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO audit_events (id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
  VALUES (event_id, ws, at, action, ctx->>'actorType', ctx->>'actorId', resource_type, resource_id, version, ctx->>'requestId')
$$;

-- Revisions of pipelines `ids` of workspace `ws` as they now are, their events (ids from
-- `event_ids`, in the order of the pipelines' ids), and the pruning beyond the newest `keep`. A
-- pipeline whose current version has its revision already (a change that changed nothing) gets neither.
CREATE FUNCTION registry_record(ws text, ids text[], change text, ctx json, keep integer, event_ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  WITH recorded AS (
    INSERT INTO pipeline_revisions (pipeline_id, version, change, actor_type, actor_id, request_id, changed_at, pipeline)
    SELECT p.id, p.version, change, ctx->>'actorType', ctx->>'actorId', ctx->>'requestId', p.updated_at, registry_pipeline_json(p.id)
    FROM pipelines p WHERE p.id = ANY (ids) AND p.workspace = ws
    ON CONFLICT DO NOTHING
    RETURNING pipeline_id, version, changed_at
  ), numbered AS (
    SELECT r.*, row_number() OVER (ORDER BY r.pipeline_id) AS n FROM recorded r
  )
  INSERT INTO audit_events (id, workspace, at, action, actor_type, actor_id, resource_type, resource_id, version, request_id)
  SELECT event_ids[n::integer], ws, changed_at, 'pipeline.' || change, ctx->>'actorType', ctx->>'actorId', 'pipeline', pipeline_id,
    version, ctx->>'requestId'
  FROM numbered ORDER BY n;
  DELETE FROM pipeline_revisions r USING pipelines p
    WHERE p.id = ANY (ids) AND p.workspace = ws AND r.pipeline_id = p.id AND r.version <= p.version - keep;
END
$$;
