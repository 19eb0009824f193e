-- The workspace check that heads every statement of a workspace's stores (connection.ts).

-- The check of workspace `c->>'workspace'`, and of the API key `c->'key'` {id, hash, grantors}
-- when there is one, in the call's own statement. The first failure, in this order: the key is
-- unknown or revoked (key_invalid); the workspace does not exist, its deletion has begun, or the
-- key is another workspace's (workspace_missing: the same answer, so a key learns nothing of
-- other workspaces); the key lacks the scope (key_scope). With `c->>'lock'` (a write) it takes
-- the write lock first and then locks the key's row and the workspace's row (FOR SHARE) until
-- the commit: a revocation or a deletion (both update those rows) either committed before, and
-- the write is refused, or waits for the write to commit.
CREATE FUNCTION registry_check_workspace(c json) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ws text := c->>'workspace';
  k json := c->'key';
  lock boolean := coalesce((c->>'lock')::boolean, false);
  key_workspace text;
  held text;
BEGIN
  IF c IS NULL THEN
    RETURN;
  END IF;
  IF lock THEN
    PERFORM registry_begin_write();
  END IF;
  IF k IS NOT NULL THEN
    IF lock THEN
      SELECT workspace, scopes INTO key_workspace, held FROM api_keys
        WHERE id = k->>'id' AND key_hash = k->>'hash' AND revoked_at IS NULL FOR SHARE;
    ELSE
      SELECT workspace, scopes INTO key_workspace, held FROM api_keys
        WHERE id = k->>'id' AND key_hash = k->>'hash' AND revoked_at IS NULL;
    END IF;
    IF held IS NULL THEN
      PERFORM registry_refuse('key_invalid');
    END IF;
  END IF;
  IF lock THEN
    PERFORM 1 FROM workspaces WHERE id = ws AND deleted_at IS NULL FOR SHARE;
  ELSE
    PERFORM 1 FROM workspaces WHERE id = ws AND deleted_at IS NULL;
  END IF;
  IF NOT FOUND OR (k IS NOT NULL AND key_workspace <> ws) THEN
    PERFORM registry_refuse('workspace_missing');
  END IF;
  IF k IS NOT NULL AND NOT string_to_array(held, ' ') && ARRAY(SELECT json_array_elements_text(k->'grantors')) THEN
    PERFORM registry_refuse('key_scope');
  END IF;
END
$$;
