-- Indicators: versioned definitions, incremental roll-ups per leaf org unit, manual values, targets.

CREATE TABLE indicator_definition (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
  -- The version the roll-ups are computed with: the latest saved one.
  current_version integer NOT NULL CHECK (current_version >= 1),
  origin text NOT NULL CHECK (origin IN ('library', 'custom')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Every save is a new version; versions are never changed or removed.
CREATE TABLE indicator_definition_version (
  code text NOT NULL REFERENCES indicator_definition (code),
  version integer NOT NULL CHECK (version >= 1),
  definition jsonb NOT NULL,
  origin text NOT NULL CHECK (origin IN ('library', 'custom')),
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  PRIMARY KEY (code, version)
);

-- One mergeable accumulator per (indicator, leaf org unit, grain, bucket). Parents are never
-- stored: a subtree's value is the merge of its units' rows at query time. The numeric columns
-- are additive milli-units (see indicators/rollup.ts); sketch and distinct_keys are merged by the
-- application for the measures that need them.
CREATE TABLE indicator_rollup (
  indicator text NOT NULL REFERENCES indicator_definition (code),
  grain text NOT NULL CHECK (grain IN ('hour', 'day', 'week', 'month', 'quarter', 'year')),
  bucket_start timestamptz NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  count bigint NOT NULL DEFAULT 0,
  sum bigint NOT NULL DEFAULT 0,
  numerator bigint NOT NULL DEFAULT 0,
  denominator bigint NOT NULL DEFAULT 0,
  sketch jsonb,
  distinct_keys jsonb,
  -- The key covers the additive columns: a series or breakdown of a subtree is an index-only
  -- range scan (a year of days under 50 units is 18,000 entries), and there is one index to write.
  PRIMARY KEY (indicator, grain, bucket_start, org_unit_id) INCLUDE (count, sum, numerator, denominator)
);

-- Values people enter for manual indicators, one per (indicator, org unit, period).
CREATE TABLE indicator_manual_value (
  indicator text NOT NULL REFERENCES indicator_definition (code),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  grain text NOT NULL CHECK (grain IN ('hour', 'day', 'week', 'month', 'quarter', 'year')),
  period_start timestamptz NOT NULL,
  value numeric NOT NULL,
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL,
  PRIMARY KEY (indicator, org_unit_id, grain, period_start)
);
CREATE INDEX indicator_manual_value_period_idx ON indicator_manual_value (period_start);

-- Targets per (indicator, org unit, period); a unit without one inherits its nearest ancestor's.
CREATE TABLE indicator_target (
  indicator text NOT NULL REFERENCES indicator_definition (code),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  grain text NOT NULL CHECK (grain IN ('hour', 'day', 'week', 'month', 'quarter', 'year')),
  period_start timestamptz NOT NULL,
  value numeric NOT NULL,
  set_by text NOT NULL,
  set_at timestamptz NOT NULL,
  PRIMARY KEY (indicator, grain, period_start, org_unit_id)
);
