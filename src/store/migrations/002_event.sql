-- Events: immutable facts from sources. (source_id gets its foreign key with the source table.)
CREATE TABLE event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id bigint NOT NULL,
  -- The id the source gave the event: re-sending it is idempotent.
  event_id text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 128),
  type text NOT NULL,
  schema_version integer NOT NULL,
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  -- Keyed-HMAC pseudonym; the raw identifier is never stored.
  patient text,
  attributes jsonb NOT NULL,
  content_hash text NOT NULL,
  UNIQUE (source_id, event_id)
);
CREATE INDEX event_type_time_idx ON event (type, occurred_at);
CREATE INDEX event_org_time_idx ON event (org_unit_id, occurred_at);
