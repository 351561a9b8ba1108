-- Monitoring rules: the current definition per code, every saved version kept, and the engine's
-- bookkeeping (last error, how far closed periods have been judged).
CREATE TABLE rule (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
  kind text NOT NULL CHECK (kind IN ('threshold', 'target_deviation', 'change', 'consecutive', 'window', 'anomaly', 'compliance', 'source_quality')),
  scope_org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  version integer NOT NULL CHECK (version >= 1),
  enabled boolean NOT NULL,
  definition jsonb NOT NULL,
  -- Start of the last closed period the scheduler has given its final judgement (series and source rules).
  judged_through timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX rule_scope_idx ON rule (scope_org_unit_id);

CREATE TABLE rule_version (
  rule_id bigint NOT NULL REFERENCES rule (id),
  version integer NOT NULL CHECK (version >= 1),
  definition jsonb NOT NULL,
  saved_at timestamptz NOT NULL,
  saved_by text NOT NULL,
  PRIMARY KEY (rule_id, version)
);

-- The anomaly detector's learned state per watched series (a plain JSON value).
CREATE TABLE rule_detector_state (
  rule_id bigint NOT NULL REFERENCES rule (id),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  series_key text NOT NULL,
  state jsonb NOT NULL,
  -- Start of the last period stepped into the state; a period is stepped once.
  last_period_start timestamptz NOT NULL,
  PRIMARY KEY (rule_id, org_unit_id, series_key)
);

-- Work the scheduler must redo at a time: a compliance window closing, a `for` or keep-firing duration ending.
CREATE TABLE rule_recheck (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES rule (id),
  subject text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('event', 'series')),
  event_id bigint REFERENCES event (id),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  period_start timestamptz,
  due_at timestamptz NOT NULL,
  UNIQUE (rule_id, subject),
  CHECK ((kind = 'event') = (event_id IS NOT NULL))
);
CREATE INDEX rule_recheck_due_idx ON rule_recheck (due_at);

-- One row per alert identity (rule, org unit, series key, period); the state machine's status beside it.
CREATE TABLE alert (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint text NOT NULL UNIQUE,
  rule_id bigint NOT NULL REFERENCES rule (id),
  rule_code text NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  series_key text NOT NULL,
  period_key text NOT NULL,
  period_start timestamptz,
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
  category text NOT NULL,
  group_key text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  status jsonb NOT NULL,
  value double precision,
  bound double precision,
  message_zh text NOT NULL,
  message_en text NOT NULL,
  -- The last notification decision: suppressed alerts are recorded with what held them back.
  notify boolean NOT NULL,
  suppressed_by text CHECK (suppressed_by IN ('silence', 'inhibition', 'mute_window', 'dedup', 'group_wait')),
  suppressed_refs jsonb NOT NULL DEFAULT '[]',
  last_notified_state text CHECK (last_notified_state IN ('pending', 'firing', 'resolved')),
  -- Set on a firing source-silence alert: the source it names (inhibits alerts fed by it).
  silent_source text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (rule_id, org_unit_id, series_key, period_key),
  CHECK (notify OR suppressed_by IS NOT NULL)
);
CREATE INDEX alert_state_idx ON alert (state, severity);
CREATE INDEX alert_org_idx ON alert (org_unit_id, created_at);
CREATE INDEX alert_rule_idx ON alert (rule_id, created_at);

-- Every transition, with the values and baseline that caused it.
CREATE TABLE alert_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alert (id),
  from_state text CHECK (from_state IN ('pending', 'firing', 'resolved')),
  to_state text NOT NULL CHECK (to_state IN ('pending', 'firing', 'resolved')),
  reason text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('evaluation', 'late_data', 'schedule')),
  at timestamptz NOT NULL,
  period_key text NOT NULL,
  closed boolean NOT NULL,
  value double precision,
  bound double precision,
  detail jsonb NOT NULL,
  rule_version integer NOT NULL,
  notify boolean NOT NULL,
  suppressed_by text,
  suppressed_refs jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX alert_history_alert_idx ON alert_history (alert_id, id);

CREATE TABLE silence (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  matchers jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_by text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  created_at timestamptz NOT NULL,
  expired_at timestamptz,
  CHECK (ends_at > starts_at)
);
CREATE INDEX silence_active_idx ON silence (ends_at);

CREATE TABLE mute_window (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
