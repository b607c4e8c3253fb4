-- Evidence files and self-check answers are append-only like the other records of a
-- request: never updated; deleted only inside a purge (purge_window set), together with
-- their request once its retention has passed.
CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files
BEGIN
  SELECT RAISE(ABORT, 'evidence_files is append-only');
END;
CREATE TRIGGER evidence_files_no_delete BEFORE DELETE ON evidence_files
WHEN NOT EXISTS (SELECT 1 FROM purge_window, requests
                 WHERE requests.number = OLD.number AND requests.last_step_at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'evidence_files is append-only (only a purge past retention deletes)');
END;
CREATE TRIGGER scs_self_checks_no_update BEFORE UPDATE ON scs_self_checks
BEGIN
  SELECT RAISE(ABORT, 'scs_self_checks is append-only');
END;
CREATE TRIGGER scs_self_checks_no_delete BEFORE DELETE ON scs_self_checks
WHEN NOT EXISTS (SELECT 1 FROM purge_window, requests
                 WHERE requests.number = OLD.number AND requests.last_step_at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'scs_self_checks is append-only (only a purge past retention deletes)');
END;
