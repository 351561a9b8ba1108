-- Failed sign-ins counted per client address and per (account, client address), replacing the
-- account lock that anyone could set off (src/auth/login-throttle.ts). The account part of a
-- key is a digest of the user name as typed, so the table holds no user names and is the same
-- for names that exist and names that do not. Rows are forgotten a day after their last failure.
CREATE TABLE login_throttle (
  key text PRIMARY KEY CHECK (key ~ '^(address|account):' AND length(key) <= 200),
  failures integer NOT NULL CHECK (failures > 0),
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz CHECK (blocked_until IS NULL OR blocked_until > last_failure_at)
);

CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
