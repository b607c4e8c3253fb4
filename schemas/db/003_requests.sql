-- Requirement requests (対策要請), their negotiation and written agreement, and the
-- hash-chained audit trail. Every table but `requests` and the counters is
-- append-only (see 004); rows past retention are removed only by `hoshitori purge`.

-- The audit trail's last sequence number, kept beside the chain so that a deleted
-- tail shows.
INSERT INTO meta (key, value) VALUES ('audit_seq', 0);

-- Per buyer and year, the last request number handed out (2026-00042 → 42).
CREATE TABLE request_counters (
  prefix  TEXT NOT NULL,
  year    INTEGER NOT NULL,
  last_no INTEGER NOT NULL,
  PRIMARY KEY (prefix, year)
);

CREATE TABLE requests (
  number       TEXT PRIMARY KEY,
  vendor_code  TEXT NOT NULL REFERENCES suppliers (vendor_code),
  level        TEXT NOT NULL CHECK (level IN ('sa2', 'scs3', 'scs4')),
  state        TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'acknowledged', 'negotiating',
                                              'agreed', 'declined', 'withdrawn', 'expired')),
  due          TEXT NOT NULL,
  body         TEXT NOT NULL,
  guardrails   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  issued_at    TEXT,
  last_step_at TEXT NOT NULL
);
CREATE INDEX requests_vendor ON requests (vendor_code, number);

CREATE TABLE request_transitions (
  id         @ID@,
  number     TEXT NOT NULL REFERENCES requests (number),
  from_state TEXT,
  to_state   TEXT NOT NULL,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  side       TEXT NOT NULL CHECK (side IN ('buyer', 'supplier', 'system')),
  reason     TEXT
);
CREATE INDEX request_transitions_number ON request_transitions (number, id);

CREATE TABLE negotiation_steps (
  id     @ID@,
  number TEXT NOT NULL REFERENCES requests (number),
  step   INTEGER NOT NULL,
  side   TEXT NOT NULL CHECK (side IN ('buyer', 'supplier')),
  kind   TEXT NOT NULL,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  body   TEXT NOT NULL,
  UNIQUE (number, step)
);

CREATE TABLE agreements (
  id         @ID@,
  number     TEXT NOT NULL REFERENCES requests (number),
  version    INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  document   TEXT NOT NULL,
  terms      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (number, version)
);

CREATE TABLE agreement_confirmations (
  id      @ID@,
  number  TEXT NOT NULL REFERENCES requests (number),
  version INTEGER NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('buyer', 'supplier')),
  sha256  TEXT NOT NULL,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  method  TEXT NOT NULL,
  UNIQUE (number, version, side)
);

-- The audit trail. hash = SHA-256 over (seq, at, actor, via, action, subject,
-- vendor_code, payload_sha256, prev_hash); payload_sha256 = SHA-256 over (before, after).
-- actor is the user named for the change; via, the identity the program itself knew
-- (the operating-system login of a CLI run; later the REST API key), when there is one. A purge
-- past retention may blank before/after (keeping payload_sha256 and the chain) and
-- sets redacted_at; nothing else about an event ever changes.
CREATE TABLE audit_events (
  seq            BIGINT PRIMARY KEY,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  via            TEXT,
  action         TEXT NOT NULL,
  subject        TEXT NOT NULL,
  vendor_code    TEXT,
  before_json    TEXT,
  after_json     TEXT,
  payload_sha256 TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL,
  redacted_at    TEXT
);
CREATE INDEX audit_events_vendor ON audit_events (vendor_code, seq);

-- Set only inside a purge transaction: the cut-off before which rows may go.
CREATE TABLE purge_window (
  cutoff TEXT NOT NULL
);
