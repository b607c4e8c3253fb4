-- The supplier-initiated negotiation (issue 15 item 7; 想定事例 (4)): a supplier raises its
-- security costs with the buyer though the buyer asked it for nothing.
--
-- requests.origin: who started the record. 'buyer' (every request so far: a 対策要請 with
-- its level and letter) or 'supplier' (a 価格協議の申入れ through the supplier's standing
-- link: no level, no letter, no reply deadline; it starts negotiating with the supplier's
-- negotiation_request step). A buyer's request has a level, a supplier's never does.
--
-- SQLite cannot alter a column's constraint: the documented way for a change that leaves
-- the stored rows as they are (dropping NOT NULL, widening a CHECK) is to edit the table's
-- definition in sqlite_schema (RESET turns writing it off and reloads the schema; the ADD
-- COLUMN below then changes the schema cookie, so other connections reload it too).
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, 'level        TEXT NOT NULL CHECK (level IN (''sa2'', ''scs3'', ''scs4''))', 'level        TEXT CHECK (level IS NULL OR level IN (''sa2'', ''scs3'', ''scs4''))') WHERE type = 'table' AND name = 'requests';
PRAGMA writable_schema = RESET;
-- the edit must have taken (a database whose requests table reads otherwise stops here,
-- and the migration's transaction leaves it as it was)
CREATE TEMP TABLE migration_018_check (edited INTEGER CHECK (edited = 1));
INSERT INTO migration_018_check
  SELECT instr(sql, 'level        TEXT CHECK (level IS NULL') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'requests';
DROP TABLE migration_018_check;
ALTER TABLE requests ADD COLUMN origin TEXT NOT NULL DEFAULT 'buyer' CHECK (origin IN ('buyer', 'supplier') AND (origin = 'buyer') = (level IS NOT NULL));

-- The supplier's standing link (/s/<token>), one per supplier, for the buyer to print in
-- every order document: it opens the supplier's page without a request, where it can ask
-- to negotiate (「価格交渉を申し入れる」) and see its open requests. 256 random bits stored
-- only as SHA-256, long-lived, made, rotated and revoked by staff (audit events
-- standing_link.*). At most one live (unrevoked) link per supplier.
CREATE TABLE supplier_standing_links (
  token_sha256 TEXT PRIMARY KEY,
  vendor_code  TEXT NOT NULL REFERENCES suppliers (vendor_code),
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  revoked_by   TEXT
);
CREATE UNIQUE INDEX supplier_standing_links_live ON supplier_standing_links (vendor_code) WHERE revoked_at IS NULL;
