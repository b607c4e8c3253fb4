-- Per-request links for suppliers (no account): /s/<token>. Only the token's SHA-256
-- is stored; a link is scoped to one request and its supplier, expires and can be revoked.
CREATE TABLE supplier_links (
  token_sha256 TEXT PRIMARY KEY,
  number       TEXT NOT NULL REFERENCES requests (number),
  vendor_code  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,  -- UTC ISO; the link answers 410 from then on
  revoked_at   TEXT,
  revoked_by   TEXT
);
CREATE INDEX supplier_links_number ON supplier_links (number);
