-- Compliance cases (违规案例): each event a compliance rule found violating, with the event fields
-- it read as its evidence. The rule's alert of an org unit and window (a day unless the rule says
-- otherwise) is about the cases of that unit in that window; a case is recorded once per event.
CREATE TABLE compliance_case (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES rule (id),
  event_id bigint NOT NULL REFERENCES event (id),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  occurred_at timestamptz NOT NULL,
  -- The window (and its period key) the case was counted in when it was recorded.
  window_start timestamptz NOT NULL,
  window_key text NOT NULL CHECK (length(window_key) BETWEEN 1 AND 32),
  evidence jsonb NOT NULL,
  rule_version integer NOT NULL CHECK (rule_version >= 1),
  created_at timestamptz NOT NULL,
  UNIQUE (rule_id, event_id)
);
CREATE INDEX compliance_case_window_idx ON compliance_case (rule_id, org_unit_id, occurred_at);
