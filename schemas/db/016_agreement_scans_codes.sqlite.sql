-- The supplier's side of an agreement, kept as evidence (issue 15 item 5).
--
-- agreement_scans: the scan of the copy the supplier signed on paper (記名押印), whose
-- bytes staff attached when recording the supplier's confirmation. One per confirmation
-- (number, version); its sha256 is computed from these bytes and is the one the
-- confirmation's method names. Append-only like the confirmation; deleted only with its
-- request in a purge past retention.
--
-- agreement_codes: the one-time codes (policy agreement.one_time_code) mailed to the
-- supplier's registered address before it confirms on its page. Only an HMAC of the code
-- is kept, written when the mail is sent (the outbox row carries a placeholder, as it
-- does for link tokens), with its expiry, the wrong tries counted and when it was used.
CREATE TABLE agreement_scans (
  number         TEXT NOT NULL REFERENCES requests (number),
  version        INTEGER NOT NULL,
  filename       TEXT NOT NULL,
  media_type     TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
  sha256         TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  stored_at      TEXT NOT NULL,
  stored_by      TEXT NOT NULL,
  PRIMARY KEY (number, version)
);
CREATE TRIGGER agreement_scans_no_update BEFORE UPDATE ON agreement_scans
BEGIN
  SELECT RAISE(ABORT, 'agreement_scans is append-only');
END;
CREATE TRIGGER agreement_scans_no_delete BEFORE DELETE ON agreement_scans
WHEN NOT EXISTS (SELECT 1 FROM purge_window, requests
                 WHERE requests.number = OLD.number AND requests.last_step_at < cutoff)
BEGIN
  SELECT RAISE(ABORT, 'agreement_scans is append-only (only a purge past retention deletes)');
END;

CREATE TABLE agreement_codes (
  id           @ID@,
  number       TEXT NOT NULL REFERENCES requests (number),
  version      INTEGER NOT NULL,
  link_id      TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  outbox_id    INTEGER,
  requested_at TEXT NOT NULL,
  code_hmac    TEXT,
  sent_at      TEXT,
  expires_at   TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  used_at      TEXT
);
CREATE INDEX agreement_codes_number ON agreement_codes (number, id);
CREATE INDEX agreement_codes_outbox ON agreement_codes (outbox_id);
