-- Retention of ledger payloads, per action class (the platform's own changes are the class 'change').
-- The sweeper deletes payload and salt of entries past their period but keeps their leaf hashes, so the
-- tree, the checkpoints and every proof already issued still verify.
CREATE TABLE retention_policies (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  action_class text NOT NULL,
  retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
  rationale text NOT NULL CHECK (length(btrim(rationale)) > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, action_class)
);

-- A legal hold suspends deletion: for one tenant, or for an incident (optionally limited to a time window).
CREATE TABLE legal_holds (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  tenant_id uuid,
  incident_reference text NOT NULL DEFAULT '',
  covers_from timestamptz,
  covers_to timestamptz,
  reason text NOT NULL CHECK (length(btrim(reason)) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  released_at timestamptz,
  released_by text,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE RESTRICT,
  CONSTRAINT legal_holds_scope CHECK (tenant_id IS NOT NULL OR length(btrim(incident_reference)) > 0),
  CONSTRAINT legal_holds_window CHECK (covers_from IS NULL OR covers_to IS NULL OR covers_from < covers_to)
);
