-- What a supplier sends from its request page besides its answers.
--
-- Evidence files for its SECURITY ACTION / お助け隊 / SCS status (the declaration PDF,
-- the ★3 confirmation). The bytes are kept as base64 text, which SQLite and PostgreSQL
-- store and return alike through SOCI, with their SHA-256 (checked again on every
-- read), size and media type, which was judged from the content itself (PDF, PNG or
-- JPEG only). The filename is the browser's, made safe (see core/evidence.hpp).
CREATE TABLE evidence_files (
  id             @ID@,
  number         TEXT NOT NULL REFERENCES requests (number),
  vendor_code    TEXT NOT NULL,
  topic          TEXT NOT NULL CHECK (topic IN ('sa', 'otasuketai', 'scs')),
  filename       TEXT NOT NULL,
  media_type     TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
  sha256         TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  uploaded_at    TEXT NOT NULL,
  uploaded_by    TEXT NOT NULL  -- the name the uploader gave ("" when none); the audit event has the actor
);
CREATE INDEX evidence_files_vendor ON evidence_files (vendor_code, id);
CREATE INDEX evidence_files_number ON evidence_files (number, id);

-- The supplier's self-check against the request's SCS requirement items: done,
-- planned (with the date) or not planned, with an optional note. Append-only: every
-- submission adds rows, and the latest row per (number, item_no) is the answer that
-- counts, so the history of what the supplier said stays.
CREATE TABLE scs_self_checks (
  id          @ID@,
  number      TEXT NOT NULL REFERENCES requests (number),
  vendor_code TEXT NOT NULL,
  item_no     TEXT NOT NULL,
  answer      TEXT NOT NULL CHECK (answer IN ('done', 'planned', 'not_planned')),
  planned_on  TEXT,
  note        TEXT,
  answered_at TEXT NOT NULL,
  answered_by TEXT NOT NULL,
  CHECK ((answer = 'planned') = (planned_on IS NOT NULL))
);
CREATE INDEX scs_self_checks_number ON scs_self_checks (number, id);
