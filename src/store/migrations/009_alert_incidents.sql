-- Alerts become incidents: one alert per run of consecutive breaching periods of one rule on one
-- org unit and series key (its identity's period is the run's first period). The periods it spans
-- are listed in alert_period; it ends by itself when a closed period no longer breaches, and the end
-- and its reason are stored on the alert. Alert texts are stored as templates and parameters and
-- rendered in the reader's language. Breaches of periods older than a rule's live horizon are
-- findings (rule_finding), never alerts.
ALTER TABLE alert
  ADD COLUMN last_period_key text,
  ADD COLUMN last_period_start timestamptz,
  ADD COLUMN period_count integer NOT NULL DEFAULT 1 CHECK (period_count >= 1),
  ADD COLUMN ended_at timestamptz,
  ADD COLUMN end_reason text,
  ADD COLUMN message_template jsonb,
  ADD COLUMN message_params jsonb;
UPDATE alert SET last_period_key = period_key, last_period_start = period_start,
  ended_at = CASE WHEN state = 'resolved' THEN updated_at END;
ALTER TABLE alert ALTER COLUMN last_period_key SET NOT NULL;
ALTER TABLE alert ADD CONSTRAINT alert_end_check CHECK ((state = 'resolved') = (ended_at IS NOT NULL));
-- The latest incident of a series (what a new outcome of that series continues or follows).
CREATE INDEX alert_series_idx ON alert (rule_id, org_unit_id, series_key, id DESC);

CREATE TABLE alert_period (
  alert_id bigint NOT NULL REFERENCES alert (id),
  period_key text NOT NULL,
  period_start timestamptz,
  value double precision,
  bound double precision,
  detail jsonb NOT NULL DEFAULT '{}',
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (alert_id, period_key),
  CHECK (last_at >= first_at)
);
-- An alert stored before incidents spans its one period, with the detail of its latest breach.
INSERT INTO alert_period (alert_id, period_key, period_start, value, bound, detail, first_at, last_at)
  SELECT a.id, a.period_key, a.period_start, a.value, a.bound, coalesce(h.detail, '{}'), a.created_at, a.updated_at
  FROM alert a LEFT JOIN LATERAL (
    SELECT detail FROM alert_history WHERE alert_id = a.id AND to_state IN ('pending', 'firing') ORDER BY id DESC LIMIT 1
  ) h ON true;

-- A breach judged on a period older than the rule's live horizon (backfill, late history): shown in
-- the explorer, the rule's history and the dry run; opens no alert, notification or work order.
CREATE TABLE rule_finding (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES rule (id),
  rule_code text NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  series_key text NOT NULL,
  period_key text NOT NULL,
  period_start timestamptz,
  kind text NOT NULL CHECK (kind IN ('breach', 'no_data')),
  value double precision,
  bound double precision,
  detail jsonb NOT NULL DEFAULT '{}',
  message_template jsonb NOT NULL,
  message_params jsonb NOT NULL,
  judged_at timestamptz NOT NULL,
  UNIQUE (rule_id, org_unit_id, series_key, period_key)
);
CREATE INDEX rule_finding_org_idx ON rule_finding (org_unit_id, period_start);
