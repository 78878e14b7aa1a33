-- Ledger verifications run in the background (issue 4, part 7): a full recomputation of a large ledger takes
-- minutes, so the API starts one and answers at once; the run records its progress and its result here, and the
-- dashboard shows the last one. Starting a run and its result are ledger entries; the progress counters and the
-- heartbeat are not (they change every second of a run).

CREATE TABLE ledger_verifications (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'passed', 'failed', 'interrupted', 'error')),
  requested_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  -- written with each batch: a running row whose heartbeat stopped belongs to a server that went away
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- the tree size the run verifies (the ledger's size when it began), and how far it got
  tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  entries_checked bigint NOT NULL DEFAULT 0 CHECK (entries_checked >= 0),
  entries_expired bigint NOT NULL DEFAULT 0 CHECK (entries_expired >= 0),
  checkpoints_checked integer NOT NULL DEFAULT 0 CHECK (checkpoints_checked >= 0),
  -- a failed run: the first place that does not match ({kind, at, message})
  problem jsonb CHECK (problem IS NULL OR jsonb_typeof(problem) = 'object'),
  -- a run that could not finish (error, interrupted): why
  error text,
  PRIMARY KEY (org_id, id),
  CONSTRAINT ledger_verifications_finished CHECK ((status = 'running') = (finished_at IS NULL)),
  CONSTRAINT ledger_verifications_failed_has_problem CHECK ((status = 'failed') = (problem IS NOT NULL))
);
-- At most one run at a time per organization: starting is idempotent, and two concurrent starts cannot both run.
CREATE UNIQUE INDEX ledger_verifications_one_running ON ledger_verifications (org_id) WHERE status = 'running';
CREATE INDEX ledger_verifications_recent ON ledger_verifications (org_id, started_at DESC, id DESC);
