-- Supplier register, status history and the change counter that lets every
-- process know when another one wrote. @ID@ becomes the backend's auto id column.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', 0);

CREATE TABLE suppliers (
  vendor_code        TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  name_normalized    TEXT NOT NULL,
  corporate_number   TEXT,
  email              TEXT,
  contact            TEXT,
  department         TEXT,
  sa_level           INTEGER CHECK (sa_level BETWEEN 0 AND 2),
  sa_declared_on     TEXT,
  sa_declaration_id  TEXT,
  ota_service        TEXT,
  ota_provider       TEXT,
  ota_start          TEXT,
  ota_end            TEXT,
  scs_level          INTEGER CHECK (scs_level = 0 OR scs_level BETWEEN 3 AND 5),
  scs_evidence       TEXT,
  scs_valid_until    TEXT,
  chart_confidential INTEGER CHECK (chart_confidential BETWEEN 0 AND 1),
  chart_critical     INTEGER CHECK (chart_critical BETWEEN 0 AND 1),
  chart_network      INTEGER CHECK (chart_network BETWEEN 0 AND 1),
  active             INTEGER NOT NULL DEFAULT 1 CHECK (active BETWEEN 0 AND 1),
  generation         BIGINT NOT NULL,
  created_at         TEXT NOT NULL,
  created_by         TEXT NOT NULL,
  created_source     TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX suppliers_generation ON suppliers (generation);
CREATE INDEX suppliers_corporate_number ON suppliers (corporate_number);

-- Every change to a supplier after its creation (which the row itself records in
-- created_at/by/source), never updated or deleted: who, when, from, to.
CREATE TABLE supplier_history (
  id          @ID@,
  vendor_code TEXT NOT NULL REFERENCES suppliers (vendor_code),
  generation  BIGINT NOT NULL,
  changed_at  TEXT NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  field       TEXT NOT NULL,
  old_value   TEXT,
  new_value   TEXT
);
CREATE INDEX supplier_history_vendor ON supplier_history (vendor_code, id);
