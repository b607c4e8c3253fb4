-- Bounded evidence (issue 14): the bytes of an evidence file are stored once per content.
--
-- evidence_blobs holds each distinct content once, keyed by its SHA-256 (base64 text, as
-- 007 kept it in evidence_files); evidence_files keeps only the metadata and names its
-- bytes by sha256, so the supplier page and the staff panel, which list files, never
-- read bytes. Existing rows move their content here (one blob per distinct SHA-256).
-- link_id is the supplier link a file came through (first 12 hex digits of the token's
-- hash, as in the audit trail's "supplier-link:…"): uploads per link and hour are
-- counted from it, in the database, so every server shares the count.
--
-- A supplier may withdraw a file (evidence_withdrawals, one row per file). Its bytes are
-- deleted at once when no standing file and no downloaded file has the same content;
-- otherwise they stay until the request is purged past retention. Every staff download
-- is recorded (evidence_downloads) so that this can be decided.
--
-- The rules of 007/008 stay: evidence_files is never updated and rows leave only in a
-- purge. The new tables follow them: withdrawals and downloads are append-only (gone
-- with their file in a purge); a blob is never updated and is deleted only when no
-- standing or downloaded file needs it (a withdrawal) or no file refers to it any more.
CREATE TABLE evidence_blobs (
  sha256         TEXT PRIMARY KEY,
  size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
  content_base64 TEXT NOT NULL,
  stored_at      TEXT NOT NULL
);
INSERT INTO evidence_blobs (sha256, size_bytes, content_base64, stored_at)
  SELECT sha256, MIN(size_bytes), MIN(content_base64), MIN(uploaded_at) FROM evidence_files GROUP BY sha256;
ALTER TABLE evidence_files DROP COLUMN content_base64;
ALTER TABLE evidence_files ADD COLUMN link_id TEXT;
CREATE INDEX evidence_files_sha256 ON evidence_files (sha256);
CREATE INDEX evidence_files_link ON evidence_files (link_id, uploaded_at);

CREATE TABLE evidence_withdrawals (
  evidence_id  BIGINT PRIMARY KEY REFERENCES evidence_files (id) ON DELETE CASCADE,
  number       TEXT NOT NULL,
  withdrawn_at TEXT NOT NULL,
  withdrawn_by TEXT NOT NULL,
  link_id      TEXT
);
CREATE TABLE evidence_downloads (
  id          @ID@,
  evidence_id BIGINT NOT NULL REFERENCES evidence_files (id) ON DELETE CASCADE,
  number      TEXT NOT NULL,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  via         TEXT NOT NULL
);
CREATE INDEX evidence_downloads_file ON evidence_downloads (evidence_id);

CREATE FUNCTION hoshitori_evidence_blob_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'evidence_blobs is append-only';
  END IF;
  IF EXISTS (SELECT 1 FROM evidence_files f WHERE f.sha256 = OLD.sha256
             AND (NOT EXISTS (SELECT 1 FROM evidence_withdrawals w WHERE w.evidence_id = f.id)
                  OR EXISTS (SELECT 1 FROM evidence_downloads d WHERE d.evidence_id = f.id))) THEN
    RAISE EXCEPTION 'evidence_blobs: the bytes of a standing or downloaded file are kept until its request is purged';
  END IF;
  RETURN OLD;
END;
$$;
CREATE TRIGGER evidence_blobs_append_only BEFORE UPDATE OR DELETE ON evidence_blobs
  FOR EACH ROW EXECUTE FUNCTION hoshitori_evidence_blob_kept();

CREATE FUNCTION hoshitori_evidence_release_blob() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM evidence_blobs WHERE sha256 = OLD.sha256
    AND NOT EXISTS (SELECT 1 FROM evidence_files WHERE sha256 = OLD.sha256);
  RETURN NULL;
END;
$$;
CREATE TRIGGER evidence_files_release_blob AFTER DELETE ON evidence_files
  FOR EACH ROW EXECUTE FUNCTION hoshitori_evidence_release_blob();

CREATE TRIGGER evidence_withdrawals_append_only BEFORE UPDATE OR DELETE ON evidence_withdrawals
  FOR EACH ROW EXECUTE FUNCTION hoshitori_with_request_only();
CREATE TRIGGER evidence_downloads_append_only BEFORE UPDATE OR DELETE ON evidence_downloads
  FOR EACH ROW EXECUTE FUNCTION hoshitori_with_request_only();
