-- Records of requests are append-only; deletion only inside a purge (purge_window
-- set) and only of rows older than its cut-off. Audit events are never deleted;
-- a purge may only blank an old event's payload.
CREATE TRIGGER request_transitions_no_update BEFORE UPDATE ON request_transitions
BEGIN
  SELECT RAISE(ABORT, 'request_transitions is append-only');
END;
CREATE TRIGGER request_transitions_no_delete BEFORE DELETE ON request_transitions
WHEN NOT EXISTS (SELECT 1 FROM purge_window WHERE OLD.at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'request_transitions is append-only (only a purge past retention deletes)');
END;
CREATE TRIGGER negotiation_steps_no_update BEFORE UPDATE ON negotiation_steps
BEGIN
  SELECT RAISE(ABORT, 'negotiation_steps is append-only');
END;
CREATE TRIGGER negotiation_steps_no_delete BEFORE DELETE ON negotiation_steps
WHEN NOT EXISTS (SELECT 1 FROM purge_window WHERE OLD.at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'negotiation_steps is append-only (only a purge past retention deletes)');
END;
CREATE TRIGGER agreements_no_update BEFORE UPDATE ON agreements
BEGIN
  SELECT RAISE(ABORT, 'agreements is append-only');
END;
CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements
WHEN NOT EXISTS (SELECT 1 FROM purge_window WHERE OLD.created_at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'agreements is append-only (only a purge past retention deletes)');
END;
CREATE TRIGGER agreement_confirmations_no_update BEFORE UPDATE ON agreement_confirmations
BEGIN
  SELECT RAISE(ABORT, 'agreement_confirmations is append-only');
END;
CREATE TRIGGER agreement_confirmations_no_delete BEFORE DELETE ON agreement_confirmations
WHEN NOT EXISTS (SELECT 1 FROM purge_window WHERE OLD.at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'agreement_confirmations is append-only (only a purge past retention deletes)');
END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
WHEN NOT EXISTS (SELECT 1 FROM purge_window WHERE OLD.last_step_at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'requests are kept until their retention has passed');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.via IS OLD.via
          AND NEW.action = OLD.action
          AND NEW.subject = OLD.subject AND NEW.vendor_code IS OLD.vendor_code
          AND NEW.payload_sha256 = OLD.payload_sha256 AND NEW.prev_hash = OLD.prev_hash
          AND NEW.hash = OLD.hash AND NEW.before_json IS NULL AND NEW.after_json IS NULL
          AND NEW.redacted_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM purge_window WHERE OLD.at < cutoff))
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
