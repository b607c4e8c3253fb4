-- What the web servers share so any number of them on one database answer alike: staff
-- sessions, the sign-in links already used, and the counts of failed guesses per address.
-- Times are Unix seconds (UTC). Rows past their expiry are deleted a few at a time by the
-- servers themselves (never a long DELETE).

-- A staff session opened by a signed sign-in link. id is the SHA-256 (hex) of the cookie
-- value: the cookie itself is never stored. A logout sets ended_at, on every server at once.
CREATE TABLE staff_sessions (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'buyer', 'admin')),
  actor      TEXT NOT NULL,  -- the host's user the link named
  key_name   TEXT NOT NULL,  -- what the audit trail names as the key ("erp-link")
  via        TEXT NOT NULL,
  csrf       TEXT NOT NULL,  -- the token this session's forms echo
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ended_at   BIGINT
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);

-- Nonces of the sign-in links used: the primary key makes each link single use across
-- every server (a second INSERT of the nonce is "already used", also under a race).
CREATE TABLE staff_link_nonces (
  nonce      TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL  -- the link's own expiry: after it the link is refused anyway
);
CREATE INDEX staff_link_nonces_expiry ON staff_link_nonces (expires_at);

-- Failed guesses per scope ('apikey', 'signin', 'link') and client address in a fixed
-- window [window_start, window_ends); past the allowance the address waits for its end.
CREATE TABLE rate_limits (
  scope        TEXT NOT NULL,
  address      TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  window_ends  BIGINT NOT NULL,
  failures     INTEGER NOT NULL,
  PRIMARY KEY (scope, address)
);
CREATE INDEX rate_limits_expiry ON rate_limits (window_ends);
