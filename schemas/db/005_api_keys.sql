-- Staff API keys for the REST API and the ERP screens. Only a SHA-256 of the secret
-- is stored; the key itself is shown once, when it is created.
CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,  -- public part of the key (hsk_<id>_<secret>)
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('viewer', 'buyer', 'admin')),
  secret_sha256 TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  revoked_at    TEXT,
  revoked_by    TEXT
);
-- One live key per name: a name can be reused once its key is revoked.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Secrets the server derives tokens from (the key that signs staff links), made on
-- first use and never shown.
CREATE TABLE server_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
