-- Budgets (预算执行与预警, DOMAIN §8) and the quality-cost ledger (品质成本).

-- Budget items (科目): one tree of revenue and cost items; a parent's figures are the sums of its children.
CREATE TABLE budget_item (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_.]{0,63}$'),
  name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('revenue', 'cost')),
  parent_id bigint REFERENCES budget_item (id),
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX budget_item_parent_idx ON budget_item (parent_id);

-- Which events are actuals of which item: expense.item or charge.category = match_value.
CREATE TABLE budget_item_mapping (
  event_type text NOT NULL CHECK (event_type IN ('expense', 'charge')),
  match_value text NOT NULL CHECK (length(match_value) BETWEEN 1 AND 100),
  item_id bigint NOT NULL REFERENCES budget_item (id),
  PRIMARY KEY (event_type, match_value)
);

-- One budget per org unit and fiscal year (the calendar year); it counts once approved.
CREATE TABLE budget (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
  -- How unspent budget moves forward inside the year (never across years).
  carry_rule text NOT NULL DEFAULT 'none' CHECK (carry_rule IN ('none', 'within_quarter', 'within_year')),
  submitted_by text,
  submitted_at timestamptz,
  approved_by text,
  approved_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (fiscal_year, org_unit_id),
  CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);

-- Budget lines: item × month; original_amount keeps the line as approved before an adjustment.
CREATE TABLE budget_line (
  budget_id bigint NOT NULL REFERENCES budget (id),
  item_id bigint NOT NULL REFERENCES budget_item (id),
  month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount numeric(16, 2) NOT NULL CHECK (amount >= 0),
  original_amount numeric(16, 2) CHECK (original_amount >= 0),
  PRIMARY KEY (budget_id, item_id, month)
);

-- An upload of budget lines or actuals (all or nothing), the source of what it wrote.
CREATE TABLE budget_import (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('budget', 'actual')),
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  file_name text,
  line_count integer NOT NULL CHECK (line_count >= 0),
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL
);

-- Actuals entered by hand or imported (actuals from expense and charge events are read from the event table).
CREATE TABLE budget_actual (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  item_id bigint NOT NULL REFERENCES budget_item (id),
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount numeric(16, 2) NOT NULL,
  source text NOT NULL CHECK (source IN ('manual', 'import')),
  import_id bigint REFERENCES budget_import (id),
  note text,
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL,
  CHECK ((source = 'import') = (import_id IS NOT NULL))
);
CREATE INDEX budget_actual_year_idx ON budget_actual (fiscal_year, org_unit_id);

-- The once-a-year adjustment: the proposed lines beside the approved ones until decided.
CREATE TABLE budget_adjustment (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  budget_id bigint NOT NULL REFERENCES budget (id),
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  -- [{ item, month, amount }]: the lines the adjustment changes.
  lines jsonb NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- At most one adjustment a year per budget (org unit × year) that is pending or was approved.
CREATE UNIQUE INDEX budget_adjustment_once_idx ON budget_adjustment (budget_id) WHERE status IN ('pending', 'approved');

-- Approval levels of out-of-budget spending by amount (up to max_amount; NULL = any amount).
CREATE TABLE budget_approval_level (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  max_amount numeric(16, 2) CHECK (max_amount > 0),
  approver_role text NOT NULL CHECK (approver_role IN ('liaison', 'analyst', 'executive', 'admin')),
  UNIQUE (max_amount)
);

-- Out-of-budget spending requests (预算外支出).
CREATE TABLE budget_exception (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  item_id bigint NOT NULL REFERENCES budget_item (id),
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount numeric(16, 2) NOT NULL CHECK (amount > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  level text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX budget_exception_year_idx ON budget_exception (fiscal_year, org_unit_id);

-- Quality costs (品质成本): prevention, appraisal, internal and external failure, per org unit and month.
CREATE TABLE quality_cost_entry (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  period_month date NOT NULL CHECK (extract(day FROM period_month) = 1),
  category text NOT NULL CHECK (category IN ('prevention', 'appraisal', 'internal_failure', 'external_failure')),
  amount numeric(16, 2) NOT NULL CHECK (amount >= 0),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL
);
CREATE INDEX quality_cost_entry_period_idx ON quality_cost_entry (period_month, org_unit_id);
