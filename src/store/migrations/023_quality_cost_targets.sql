-- Quality-cost targets (品质成本目标): the change of failure cost (internal + external) against the
-- previous year that an org unit's subtree aims for in a fiscal year, e.g. −0.10 for "−10 % a year".
-- A unit without its own target follows its nearest ancestor's.
CREATE TABLE quality_cost_target (
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  failure_change numeric(6, 4) NOT NULL CHECK (failure_change BETWEEN -1 AND 1),
  set_by text NOT NULL,
  set_at timestamptz NOT NULL,
  PRIMARY KEY (org_unit_id, fiscal_year)
);
