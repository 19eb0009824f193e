-- The API key writes of api-keys.ts, in one workspace.

CREATE FUNCTION registry_create_api_key(ws text, k json, ctx json, event_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  INSERT INTO api_keys (id, workspace, name, scopes, prefix, key_hash, created_at)
    VALUES (k->>'id', ws, k->>'name', k->>'scopes', k->>'prefix', k->>'keyHash', (k->>'createdAt')::timestamptz);
  PERFORM registry_event(ws, event_id, (k->>'createdAt')::timestamptz, 'apiKey.created', ctx, 'apiKey', k->>'id', NULL);
END
$$;

-- Revokes at once; only the first revocation is an event. False for an id that is no key of `ws`.
CREATE FUNCTION registry_revoke_api_key(ws text, kid text, now timestamptz, ctx json, event_id text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_begin_write();
  UPDATE api_keys SET revoked_at = now WHERE id = kid AND workspace = ws AND revoked_at IS NULL;
  IF FOUND THEN
    PERFORM registry_event(ws, event_id, now, 'apiKey.revoked', ctx, 'apiKey', kid, NULL);
  END IF;
  RETURN EXISTS (SELECT 1 FROM api_keys WHERE id = kid AND workspace = ws);
END
$$;
