-- The counter rows of pipeline_counts (O(1) unfiltered counts, and the quota), per workspace,
-- kept by a trigger as on D1. A workspace's two rows are made with it (workspaces.sql).

CREATE FUNCTION registry_count_pipelines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE pipeline_counts SET total = total - 1 WHERE workspace = OLD.workspace AND archived = OLD.archived;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE pipeline_counts SET total = total + 1 WHERE workspace = NEW.workspace AND archived = NEW.archived;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER pipelines_counted AFTER INSERT OR DELETE OR UPDATE OF archived ON pipelines
  FOR EACH ROW EXECUTE FUNCTION registry_count_pipelines();
