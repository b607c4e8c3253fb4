-- Campaigns (briefing invitations, request letters, reminders, agreement notices) and
-- the durable outbox every mail goes through (ARCHITECTURE: nothing reaches SMTP except
-- through the outbox).
CREATE TABLE campaigns (
  id         @ID@,
  kind       TEXT NOT NULL CHECK (kind IN ('briefing', 'request', 'reminder', 'agreement_notice')),
  template   TEXT NOT NULL,
  title      TEXT NOT NULL,
  spec       TEXT NOT NULL,  -- the campaign file as accepted (JSON)
  state      TEXT NOT NULL CHECK (state IN ('draft', 'queued')),
  send_at    TEXT NOT NULL,  -- UTC ISO; no message of the campaign leaves before
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  queued_at  TEXT,
  queued_by  TEXT
);

-- Who a campaign reached and how: by mail (outbox_id), by post (a printed letter), or
-- not at all (problem says why). topic tells two messages to one supplier apart (a
-- reminder names the request and the days left); one row per (campaign, supplier, topic).
CREATE TABLE campaign_recipients (
  campaign_id    INTEGER NOT NULL REFERENCES campaigns (id),
  vendor_code    TEXT NOT NULL,
  topic          TEXT NOT NULL,
  channel        TEXT NOT NULL CHECK (channel IN ('email', 'post', 'none')),
  problem        TEXT,
  request_number TEXT,
  outbox_id      INTEGER,
  PRIMARY KEY (campaign_id, vendor_code, topic)
);
CREATE INDEX campaign_recipients_request ON campaign_recipients (request_number);

-- One message to send. A sender claims rows (claimed_by), sends them in id order and
-- marks each right after the server's answer; a claimed row of a dead sender is the
-- one that may have been in flight (unknown), the rest go back to queued. The rendered
-- text is in outbox_bodies, written once: marking a message rewrites only this small row.
CREATE TABLE outbox (
  id             @ID@,
  campaign_id    INTEGER REFERENCES campaigns (id),
  vendor_code    TEXT NOT NULL,
  request_number TEXT,  -- a supplier link to this request is made when the message is sent
  recipient      TEXT NOT NULL,
  recipient_name TEXT NOT NULL,
  lang           TEXT NOT NULL,
  charset        TEXT NOT NULL CHECK (charset IN ('utf-8', 'iso-2022-jp')),
  message_id     TEXT NOT NULL UNIQUE,
  created_at     TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('queued', 'claimed', 'sent', 'failed', 'unknown', 'cancelled')),
  not_before     TEXT NOT NULL,  -- UTC ISO
  attempts       INTEGER NOT NULL DEFAULT 0,
  claimed_by     TEXT,
  claimed_at     TEXT,
  sent_at        TEXT,
  last_reply     TEXT
);
CREATE INDEX outbox_due ON outbox (state, not_before, id);
CREATE INDEX outbox_campaign ON outbox (campaign_id);
CREATE INDEX outbox_recipient ON outbox (recipient);

-- What a message says (subject, text and HTML parts, .ics), as rendered; a supplier
-- link appears as a placeholder until the message is sent.
CREATE TABLE outbox_bodies (
  outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
  subject   TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT,
  ics       TEXT
);

-- Sender processes, so a restarted sender can tell a dead one's claims from a live one's.
CREATE TABLE outbox_senders (
  id           TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  proc_start   TEXT NOT NULL,  -- the process's start time on its host (pid reuse)
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  stopped_at   TEXT
);

-- A supplier that asked for letters by post instead of mail.
CREATE TABLE mail_preferences (
  vendor_code TEXT PRIMARY KEY,
  post_only   INTEGER NOT NULL CHECK (post_only IN (0, 1)),
  note        TEXT NOT NULL,
  set_at      TEXT NOT NULL,
  set_by      TEXT NOT NULL
);

-- The outbox message a supplier link was made for (NULL: made by a person).
ALTER TABLE supplier_links ADD COLUMN outbox_id INTEGER;

-- Reminders already sent, so a daily run sends each (request, days before due) once.
CREATE TABLE reminders_sent (
  request_number TEXT NOT NULL,
  days_before    INTEGER NOT NULL,
  campaign_id    INTEGER NOT NULL,
  queued_at      TEXT NOT NULL,
  PRIMARY KEY (request_number, days_before)
);
