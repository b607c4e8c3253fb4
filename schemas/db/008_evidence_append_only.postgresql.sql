-- Evidence files and self-check answers are append-only like the other records of a
-- request: never updated; deleted only inside a purge (purge_window set), together with
-- their request once its retention has passed.
CREATE FUNCTION hoshitori_with_request_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM purge_window, requests
                                  WHERE requests.number = OLD.number AND requests.last_step_at < cutoff) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only (only a purge past retention deletes)', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER evidence_files_append_only BEFORE UPDATE OR DELETE ON evidence_files
  FOR EACH ROW EXECUTE FUNCTION hoshitori_with_request_only();
CREATE TRIGGER scs_self_checks_append_only BEFORE UPDATE OR DELETE ON scs_self_checks
  FOR EACH ROW EXECUTE FUNCTION hoshitori_with_request_only();
