-- The API key check that heads every statement a key's request sends (connection.ts).

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
