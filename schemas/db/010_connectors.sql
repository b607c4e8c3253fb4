-- Connectors (supplier-master sources, status sinks) and webhooks to the host.

-- Which suppliers a connector brought in, by the id its system knows them by. A
-- supplier linked to a connector that no longer lists it is made inactive, never
-- deleted; one brought in another way (a CSV import) is not this connector's to touch.
CREATE TABLE connector_links (
  connector   TEXT NOT NULL,
  vendor_code TEXT NOT NULL,
  external_id TEXT NOT NULL,
  seen_at     TEXT NOT NULL,
  PRIMARY KEY (connector, vendor_code)
);

-- One row per sync run (also in the audit trail as sync.run / sync.failed).
CREATE TABLE sync_runs (
  id          @ID@,
  connector   TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  dry_run     INTEGER NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
  report      TEXT NOT NULL  -- JSON: counts, rejected rows with reasons, or the error
);
CREATE INDEX sync_runs_connector ON sync_runs (connector, id);

-- Where the host wants to hear of changes. The secret is never stored: the sender reads
-- it from the environment variable or file the configuration names.
CREATE TABLE webhook_endpoints (
  id           @ID@,
  name         TEXT NOT NULL UNIQUE,
  url          TEXT NOT NULL,
  events       TEXT NOT NULL,  -- event types, space separated
  state        TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'removed')),
  failures     INTEGER NOT NULL DEFAULT 0,  -- consecutive failed attempts
  next_at      TEXT NOT NULL,               -- back-off: no attempt before (UTC ISO)
  last_error   TEXT,
  disabled_at  TEXT,
  worker       TEXT,  -- the one process delivering to it, until worker_until (a lease)
  worker_until TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

-- An event, written in the transaction of the change it reports; uid is the id the
-- receiver sees (and de-duplicates on).
CREATE TABLE webhook_events (
  id          @ID@,
  uid         TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  vendor_code TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  data        TEXT NOT NULL  -- JSON
);

-- One event to one endpoint. Delivered in event order: a failed attempt stops the
-- endpoint until its back-off ends, so nothing later overtakes it.
CREATE TABLE webhook_deliveries (
  endpoint_id  INTEGER NOT NULL REFERENCES webhook_endpoints (id),
  event_id     INTEGER NOT NULL REFERENCES webhook_events (id),
  vendor_code  TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  inflight     TEXT,  -- the worker posting it now
  last_status  TEXT,
  delivered_at TEXT,
  PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, state, event_id);
