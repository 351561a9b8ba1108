-- Ingestion: registered sources (接口) with their token, declared schemas and column mapping;
-- quarantined records; per-source quality counters kept in the batch transaction.

CREATE TABLE source (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  -- The subtree the source may write events for.
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  allowed_types text[] NOT NULL CHECK (cardinality(allowed_types) BETWEEN 1 AND 100),
  -- Expected cadence ({kind:'batches',everyMinutes,from,to,weekdaysOnly} | {kind:'events',perDay}); null: none.
  cadence jsonb CHECK (cadence IS NULL OR cadence->>'kind' IN ('batches', 'events')),
  -- The API token the source authenticates with (role 'source' over org_unit_id).
  token_id bigint NOT NULL UNIQUE REFERENCES api_token (id),
  -- Saved CSV/XLSX column mapping, as the administrator wrote it (compiled on use).
  mapping jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX source_org_idx ON source (org_unit_id);

ALTER TABLE event ADD CONSTRAINT event_source_fk FOREIGN KEY (source_id) REFERENCES source (id);

-- Extra event types a source declared (the latest version per type).
CREATE TABLE source_schema (
  source_id bigint NOT NULL REFERENCES source (id),
  type_name text NOT NULL CHECK (type_name ~ '^[a-z][a-z0-9_]{0,63}$'),
  version integer NOT NULL CHECK (version BETWEEN 1 AND 1000),
  definition jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (source_id, type_name)
);

-- Records that were not stored: rejected (with the reason) or conflicting with a stored event.
-- The payload is pseudonymised before it gets here; an unparseable record keeps no payload.
CREATE TABLE quarantine (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id bigint NOT NULL REFERENCES source (id),
  received_at timestamptz NOT NULL,
  format text NOT NULL CHECK (format IN ('event', 'fhir', 'row')),
  outcome text NOT NULL CHECK (outcome IN ('rejected', 'conflict')),
  record_index integer NOT NULL,
  code text NOT NULL,
  message text NOT NULL CHECK (length(message) <= 1000),
  path text NOT NULL CHECK (length(path) <= 300),
  event_id text CHECK (event_id IS NULL OR length(event_id) <= 128),
  event_type text,
  payload jsonb,
  payload_bytes integer NOT NULL CHECK (payload_bytes >= 0),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reprocessed')),
  reprocessed_at timestamptz,
  CHECK ((status = 'reprocessed') = (reprocessed_at IS NOT NULL))
);
CREATE INDEX quarantine_source_idx ON quarantine (source_id, status, id);

-- Quality counters per source, event type ('' when unknown) and hour of receipt.
-- lag_hist counts received − occurred into fixed buckets (see quality-service.ts).
CREATE TABLE source_quality_hour (
  source_id bigint NOT NULL REFERENCES source (id),
  event_type text NOT NULL,
  hour timestamptz NOT NULL,
  received bigint NOT NULL DEFAULT 0 CHECK (received >= 0),
  accepted bigint NOT NULL DEFAULT 0 CHECK (accepted >= 0),
  duplicates bigint NOT NULL DEFAULT 0 CHECK (duplicates >= 0),
  conflicts bigint NOT NULL DEFAULT 0 CHECK (conflicts >= 0),
  rejected bigint NOT NULL DEFAULT 0 CHECK (rejected >= 0),
  lag_hist bigint[] NOT NULL,
  last_received_at timestamptz NOT NULL,
  PRIMARY KEY (source_id, event_type, hour)
);

CREATE TABLE source_rejection_hour (
  source_id bigint NOT NULL REFERENCES source (id),
  event_type text NOT NULL,
  hour timestamptz NOT NULL,
  code text NOT NULL,
  count bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (source_id, event_type, hour, code)
);

-- One row per committed batch: capture rate against a batch cadence, last seen.
CREATE TABLE source_batch (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id bigint NOT NULL REFERENCES source (id),
  received_at timestamptz NOT NULL,
  records integer NOT NULL CHECK (records >= 0),
  accepted integer NOT NULL CHECK (accepted >= 0)
);
CREATE INDEX source_batch_source_time_idx ON source_batch (source_id, received_at);
