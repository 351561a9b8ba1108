-- Roll-ups of whole subtrees, kept for percentile indicators: the row of (indicator, org unit,
-- grain, bucket) holds the merged sketch of every event in the org unit's subtree, so a hospital's
-- day series reads one row a day instead of merging every department's sketch. Same columns and
-- key as indicator_rollup; written beside it, in the same transactions.
CREATE TABLE indicator_rollup_tree (
  LIKE indicator_rollup INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES,
  FOREIGN KEY (indicator) REFERENCES indicator_definition (code),
  FOREIGN KEY (org_unit_id) REFERENCES org_unit (id)
);

-- The indicators whose subtree rows are complete (equal to the merge of their subtrees' own rows).
-- A full rebuild of an indicator, or its installation, makes it complete; moving an org unit makes
-- every subtree row wrong at once, so it clears them all and queries merge department rows again
-- until `yunjian indicators rebuild` runs.
CREATE TABLE indicator_rollup_tree_complete (
  indicator text PRIMARY KEY REFERENCES indicator_definition (code)
);

CREATE FUNCTION indicator_rollup_tree_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The roll-up writers' lock (ROLLUP_REBUILD_LOCK in src/indicators/indicator-repo.ts), taken
  -- exclusively: no ingest or rebuild is half way through with the old paths.
  PERFORM pg_advisory_xact_lock(7310041);
  DELETE FROM indicator_rollup_tree_complete;
  DELETE FROM indicator_rollup_tree;
  RETURN NULL;
END;
$$;

-- A new org unit gets its path right after its insert (from '/'); only a changed path is a move.
CREATE TRIGGER org_unit_moved_invalidates_rollup_tree
  AFTER UPDATE OF path ON org_unit
  FOR EACH ROW WHEN (OLD.path <> '/' AND OLD.path IS DISTINCT FROM NEW.path)
  EXECUTE FUNCTION indicator_rollup_tree_invalidate();
