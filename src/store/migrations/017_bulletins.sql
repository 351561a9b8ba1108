-- Weekly and monthly bulletins (周报/月报): templates per scope, and every generated version of a
-- bulletin kept with the figures it was written from (its text is written from them when read,
-- in the reader's language; what changed is read against the version before).
CREATE TABLE bulletin_template (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('weekly', 'monthly')),
  org_unit_id bigint NOT NULL REFERENCES org_unit (id),
  sections text[] NOT NULL CHECK (cardinality(sections) BETWEEN 1 AND 20),
  headline text[] NOT NULL DEFAULT '{}' CHECK (cardinality(headline) <= 30),
  schedule jsonb NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE bulletin (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template_id bigint NOT NULL REFERENCES bulletin_template (id),
  period_key text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  data jsonb NOT NULL,
  data_hash text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'late_data')),
  generated_at timestamptz NOT NULL,
  UNIQUE (template_id, period_key, version)
);
CREATE INDEX bulletin_period ON bulletin (period_key, template_id);
