-- The briefing (説明会) step of the model case: who attends, and what was shown.
--
-- briefing_answers: each invited supplier's answer to a briefing campaign — 出席
-- (attend, with the number of attendees when given) or 欠席 (absent), with a note —,
-- given on the supplier's briefing page (via 'supplier_page') or recorded by staff from
-- a reply by phone, mail or to the invitation (via 'staff:電話' etc.). Append-only:
-- every answer is a new row; the latest per (campaign, supplier) is the one that counts
-- and the earlier ones stay.
CREATE TABLE briefing_answers (
  id          @ID@,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  vendor_code TEXT NOT NULL,
  answer      TEXT NOT NULL CHECK (answer IN ('attend', 'absent')),
  attendees   INTEGER CHECK (attendees IS NULL OR (attendees BETWEEN 1 AND 99)),
  note        TEXT NOT NULL,
  via         TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  CHECK (answer = 'attend' OR attendees IS NULL)
);
CREATE INDEX briefing_answers_campaign ON briefing_answers (campaign_id, vendor_code, id);

-- The materials shown at a briefing (PDF, PNG, JPEG), attached by staff: the bytes as
-- base64 text (as evidence files keep theirs), with their SHA-256, size, media type
-- (judged from the content), the file name made safe, who attached it and when.
-- Append-only.
CREATE TABLE briefing_materials (
  id             @ID@,
  campaign_id    INTEGER NOT NULL REFERENCES campaigns (id),
  filename       TEXT NOT NULL,
  media_type     TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
  sha256         TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  added_at       TEXT NOT NULL,
  added_by       TEXT NOT NULL
);
CREATE INDEX briefing_materials_campaign ON briefing_materials (campaign_id, id);

-- The supplier's way to its briefing page (/s/<token>), as supplier_links are for a
-- request: 256 random bits stored only as SHA-256, scoped to one briefing campaign and
-- one invited supplier, expiring and revocable; made when the invitation is sent
-- (outbox_id) or by staff.
CREATE TABLE briefing_links (
  token_sha256 TEXT PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  vendor_code  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  revoked_by   TEXT,
  outbox_id    INTEGER
);
CREATE INDEX briefing_links_campaign ON briefing_links (campaign_id, vendor_code);
CREATE INDEX briefing_links_outbox ON briefing_links (outbox_id);

CREATE TRIGGER briefing_answers_no_update BEFORE UPDATE ON briefing_answers
BEGIN
  SELECT RAISE(ABORT, 'briefing_answers is append-only');
END;
CREATE TRIGGER briefing_answers_no_delete BEFORE DELETE ON briefing_answers
BEGIN
  SELECT RAISE(ABORT, 'briefing_answers is append-only');
END;
CREATE TRIGGER briefing_materials_no_update BEFORE UPDATE ON briefing_materials
BEGIN
  SELECT RAISE(ABORT, 'briefing_materials is append-only');
END;
CREATE TRIGGER briefing_materials_no_delete BEFORE DELETE ON briefing_materials
BEGIN
  SELECT RAISE(ABORT, 'briefing_materials is append-only');
END;
