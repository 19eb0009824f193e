-- Webhooks (webhooks.ts, outbox.ts, webhook-deliveries.ts), in one workspace: the outbox
-- trigger, and every write of the endpoints, their outbox and their deliveries.

-- The outbox in the transaction of the change: every change event, by whichever function inserts
-- it, gets one row per enabled endpoint of its workspace that takes its type.
CREATE FUNCTION registry_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_outbox (workspace, endpoint_id, event_id, event_seq, type, payload, created_at, sent_at, status)
  SELECT e.workspace, w.id, e.id, e.seq, e.type, NULL, e.at, NULL, 'pending'
  FROM added e JOIN webhook_endpoints w ON w.workspace = e.workspace AND w.status = 'enabled'
  WHERE cardinality(w.types) = 0 OR e.type = ANY (w.types) OR 'pipeline.*' = ANY (w.types);
  RETURN NULL;
END
$$;

CREATE TRIGGER change_events_webhook_outbox AFTER INSERT ON change_events
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION registry_webhook_outbox();

-- An endpoint as the API answers it (no secret): `disabledReason` and `failingSince` only when set.
CREATE FUNCTION registry_webhook_json(w webhook_endpoints) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT (jsonb_build_object('id', w.id, 'url', w.url, 'types', to_jsonb(w.types), 'description', w.description,
      'status', w.status, 'createdAt', registry_time(w.created_at))
    || CASE WHEN w.disabled_reason IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('disabledReason', w.disabled_reason) END
    || CASE WHEN w.failing_since IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('failingSince', registry_time(w.failing_since)) END)::json
$$;

-- Refused (quota_exceeded's family: webhook_limit) when `ws` already holds `max_webhooks`
-- endpoints; the write lock makes the count and the insert one step.
CREATE FUNCTION registry_create_webhook(ws text, e json, max_webhooks integer, ctx json, event_id text) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  w webhook_endpoints;
BEGIN
  PERFORM registry_begin_write();
  IF (SELECT count(*) FROM webhook_endpoints WHERE workspace = ws) >= max_webhooks THEN
    PERFORM registry_refuse('webhook_limit');
  END IF;
  INSERT INTO webhook_endpoints (id, workspace, url, types, description, status, secret, created_at)
    VALUES (e->>'id', ws, e->>'url', ARRAY(SELECT json_array_elements_text(e->'types')), e->>'description', 'enabled', e->>'secret',
      (e->>'createdAt')::timestamptz)
    RETURNING * INTO w;
  PERFORM registry_event(ws, event_id, w.created_at, 'webhook.created', ctx, 'webhook', w.id, NULL);
  RETURN registry_webhook_json(w);
END
$$;

-- `patch` holds the members to change (a null description clears it); enabling forgets why it was
-- disabled and its failures. Null for an id that is no endpoint of `ws`, which records no event.
CREATE FUNCTION registry_update_webhook(ws text, wid text, patch json, now timestamptz, ctx json, event_id text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  w webhook_endpoints;
  p jsonb := patch::jsonb;
BEGIN
  PERFORM registry_begin_write();
  UPDATE webhook_endpoints SET
    url = CASE WHEN p ? 'url' THEN p->>'url' ELSE url END,
    types = CASE WHEN p ? 'types' THEN ARRAY(SELECT jsonb_array_elements_text(p->'types')) ELSE types END,
    description = CASE WHEN p ? 'description' THEN p->>'description' ELSE description END,
    status = coalesce(p->>'status', status),
    disabled_reason = CASE WHEN p ? 'status' THEN NULL ELSE disabled_reason END,
    failing_since = CASE WHEN p->>'status' = 'enabled' THEN NULL ELSE failing_since END
  WHERE id = wid AND workspace = ws
  RETURNING * INTO w;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM registry_event(ws, event_id, now, 'webhook.updated', ctx, 'webhook', wid, NULL);
  RETURN registry_webhook_json(w);
END
$$;

-- With its outbox rows and deliveries. False for an id that is no endpoint of `ws`, which records no event.
CREATE FUNCTION registry_delete_webhook(ws text, wid text, now timestamptz, ctx json, event_id text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  DELETE FROM webhook_outbox WHERE workspace = ws AND endpoint_id = wid;
  DELETE FROM webhook_deliveries WHERE workspace = ws AND endpoint_id = wid;
  DELETE FROM webhook_endpoints WHERE workspace = ws AND id = wid;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM registry_event(ws, event_id, now, 'webhook.deleted', ctx, 'webhook', wid, NULL);
  RETURN true;
END
$$;

-- A rotation is a `webhook.updated` event.
CREATE FUNCTION registry_rotate_webhook_secret(ws text, wid text, secret text, previous_until timestamptz, now timestamptz, ctx json,
  event_id text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  w webhook_endpoints;
BEGIN
  PERFORM registry_begin_write();
  UPDATE webhook_endpoints e SET previous_secret = e.secret, previous_secret_until = previous_until, secret = registry_rotate_webhook_secret.secret
    WHERE e.id = wid AND e.workspace = ws
    RETURNING * INTO w;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM registry_event(ws, event_id, now, 'webhook.updated', ctx, 'webhook', wid, NULL);
  RETURN registry_webhook_json(w);
END
$$;

-- A webhook.ping event into the endpoint's outbox; false for an id that is no endpoint of `ws`.
CREATE FUNCTION registry_ping_webhook(ws text, wid text, event_id text, data text, now timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  INSERT INTO webhook_outbox (workspace, endpoint_id, event_id, event_seq, type, payload, created_at, sent_at, status)
  SELECT ws, id, event_id, NULL, 'webhook.ping', data, now, NULL, 'pending' FROM webhook_endpoints WHERE id = wid AND workspace = ws;
  RETURN FOUND;
END
$$;

-- `keys`: [{endpoint, event}], whose queue messages were sent.
CREATE FUNCTION registry_mark_webhooks_sent(ws text, keys json, now timestamptz) RETURNS void LANGUAGE sql AS $$
  UPDATE webhook_outbox SET sent_at = now
  WHERE workspace = ws AND sent_at IS NULL
    AND (endpoint_id, event_id) IN (SELECT k->>'endpoint', k->>'event' FROM json_array_elements(keys) k)
$$;

-- An attempt `a` ({id, attempt, status, responseStatus, durationMs, error, disable}) and what it
-- leads to: the delivery row, the outbox row's status (a success stays one), the endpoint's
-- failures (cleared by a success, begun by a first failure) and its disabling, with the
-- `webhook.disabled` event (`ctx`, `event_id`) when it turns an enabled endpoint off. An attempt
-- that may disable takes the write lock, as every write that records an event does.
CREATE FUNCTION registry_record_webhook_attempt(ws text, wid text, event_id text, a json, now timestamptz, ctx json, audit_id text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  was text;
BEGIN
  IF a->>'disable' IS NOT NULL THEN
    PERFORM registry_begin_write();
  END IF;
  SELECT status INTO was FROM webhook_endpoints WHERE id = wid AND workspace = ws FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO webhook_deliveries (id, workspace, endpoint_id, event_id, attempt, status, response_status, duration_ms, at, error)
    VALUES (a->>'id', ws, wid, event_id, (a->>'attempt')::integer, a->>'status', (a->>'responseStatus')::integer,
      (a->>'durationMs')::integer, now, a->>'error');
  UPDATE webhook_outbox o SET status = a->>'status'
    WHERE o.workspace = ws AND o.endpoint_id = wid AND o.event_id = registry_record_webhook_attempt.event_id AND o.status <> 'succeeded';
  UPDATE webhook_endpoints SET
    failing_since = CASE WHEN a->>'status' = 'succeeded' THEN NULL ELSE coalesce(failing_since, now) END,
    status = CASE WHEN a->>'disable' IS NULL THEN status ELSE 'disabled' END,
    disabled_reason = coalesce(a->>'disable', disabled_reason)
  WHERE id = wid AND workspace = ws;
  IF a->>'disable' IS NOT NULL AND was = 'enabled' THEN
    PERFORM registry_event(ws, audit_id, now, 'webhook.disabled', ctx, 'webhook', wid, NULL);
  END IF;
END
$$;
