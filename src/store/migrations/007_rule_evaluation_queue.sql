-- Ingest commits the rule engine has not evaluated yet: one row per committed batch, written in the
-- batch's own transaction and deleted once the engine has evaluated it. The engine evaluates after
-- the commit is acknowledged; after a crash, a restart evaluates what is left here.
CREATE TABLE rule_evaluation_queue (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_ids bigint[] NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);

-- Compliance rules look up a patient's related events (an offline visit within a year before an
-- online prescription) for every judged event: an index-backed lookup, not a scan of the type.
CREATE INDEX event_patient_type_time_idx ON event (patient, type, occurred_at) WHERE patient IS NOT NULL;
