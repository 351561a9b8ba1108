-- Foundation: org units, accounts and access, sessions, API tokens, settings, audit log.

CREATE TABLE org_unit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_en text CHECK (name_en IS NULL OR length(name_en) <= 200),
  kind text NOT NULL CHECK (kind IN ('group', 'hospital', 'channel', 'department', 'team')),
  channel text CHECK (channel IN ('online', 'offline')),
  parent_id bigint REFERENCES org_unit (id),
  -- Materialised path of ids, '/1/4/9/': a subtree is one prefix match.
  path text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'group') = (parent_id IS NULL)),
  CHECK (kind <> 'channel' OR channel IS NOT NULL)
);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_id);
CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops);

CREATE TABLE app_user (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9_.@-]{1,63}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  email text CHECK (email IS NULL OR length(email) <= 320),
  -- The org unit the account belongs to: who may administer it.
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  failed_login_count integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
  locked_until timestamptz,
  disabled_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username_idx ON app_user (username);

CREATE TABLE password_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_user_idx ON password_history (user_id, created_at DESC);

CREATE TABLE role_grant (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id),
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'liaison', 'executive')),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, role, org_unit_id)
);

CREATE TABLE user_session (
  -- sha256 of the cookie value: a database reader cannot use a session.
  id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id),
  csrf_token text NOT NULL,
  password_change_only boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- sha256 of the secret; the secret itself is shown once, at creation.
  token_hash text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  role text NOT NULL CHECK (role IN ('source', 'analyst', 'executive', 'admin')),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  created_by bigint REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

CREATE TABLE setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_entry (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
  actor_id text,
  actor_name text NOT NULL,
  action text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-zA-Z_]+)+$'),
  target_kind text,
  target_id text,
  org_unit_id bigint,
  summary jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  user_agent text,
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_entry_actor_idx ON audit_entry (actor_kind, actor_id, at);
CREATE INDEX audit_entry_target_idx ON audit_entry (target_kind, target_id, at);
CREATE INDEX audit_entry_at_idx ON audit_entry (at);

-- Append-only: the application never updates or deletes an audit entry. (The hash chain
-- catches anyone who bypasses this trigger with direct database access.)
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry is append-only';
END;
$$;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
