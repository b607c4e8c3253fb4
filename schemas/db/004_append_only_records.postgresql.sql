-- Records of requests are append-only; deletion only inside a purge (purge_window
-- set) and only of rows older than its cut-off. Audit events are never deleted;
-- a purge may only blank an old event's payload.
CREATE FUNCTION hoshitori_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp TEXT := to_jsonb(OLD) ->> TG_ARGV[0];
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM purge_window WHERE stamp < cutoff) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only (only a purge past retention deletes)', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER request_transitions_append_only BEFORE UPDATE OR DELETE ON request_transitions
  FOR EACH ROW EXECUTE FUNCTION hoshitori_purge_only('at');
CREATE TRIGGER negotiation_steps_append_only BEFORE UPDATE OR DELETE ON negotiation_steps
  FOR EACH ROW EXECUTE FUNCTION hoshitori_purge_only('at');
CREATE TRIGGER agreements_append_only BEFORE UPDATE OR DELETE ON agreements
  FOR EACH ROW EXECUTE FUNCTION hoshitori_purge_only('created_at');
CREATE TRIGGER agreement_confirmations_append_only BEFORE UPDATE OR DELETE ON agreement_confirmations
  FOR EACH ROW EXECUTE FUNCTION hoshitori_purge_only('at');

CREATE FUNCTION hoshitori_requests_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM purge_window WHERE OLD.last_step_at < cutoff) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'requests are kept until their retention has passed';
END;
$$;
CREATE TRIGGER requests_keep BEFORE DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION hoshitori_requests_keep();

CREATE FUNCTION hoshitori_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor = OLD.actor
     AND NEW.via IS NOT DISTINCT FROM OLD.via
     AND NEW.action = OLD.action AND NEW.subject = OLD.subject
     AND NEW.vendor_code IS NOT DISTINCT FROM OLD.vendor_code
     AND NEW.payload_sha256 = OLD.payload_sha256 AND NEW.prev_hash = OLD.prev_hash
     AND NEW.hash = OLD.hash AND NEW.before_json IS NULL AND NEW.after_json IS NULL
     AND NEW.redacted_at IS NOT NULL
     AND EXISTS (SELECT 1 FROM purge_window WHERE OLD.at < cutoff) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION hoshitori_audit_append_only();
