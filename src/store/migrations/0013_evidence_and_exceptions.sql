-- Evidence (files and links that show a control operates) and exceptions to controls with their
-- compensating measures (issue 6, parts 3 and 5).

-- Each organization's evidence key: 32 random bytes, stored sealed with AES-256-GCM under the server's master
-- key (nonce || tag || ciphertext), exactly like the ledger signing keys. Files are encrypted under it.
CREATE TABLE org_evidence_keys (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  key_id uuid NOT NULL,
  key_encrypted bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key_id)
);
CREATE UNIQUE INDEX org_evidence_keys_one_per_org ON org_evidence_keys (org_id);

CREATE TABLE evidence (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL CHECK (length(btrim(name)) > 0),
  kind text NOT NULL CHECK (kind IN ('file', 'link')),
  url text CHECK (url IS NULL OR url ~* '^https?://'),
  collected_on date NOT NULL,
  freshness_days integer NOT NULL CHECK (freshness_days BETWEEN 1 AND 3650),
  control_ids text[] NOT NULL DEFAULT '{}',
  -- NULL: shared core evidence that supports every tenant; set: evidence of one tenant.
  tenant_id uuid,
  description text NOT NULL DEFAULT '',
  -- Evidence of a cross-tenant isolation test of the linked systems: its outcome (NULL: not such a test).
  isolation_test text CHECK (isolation_test IN ('passed', 'failed')),
  -- The stored file (kind 'file'): where it is on disk (a random name), what it was, and how it is sealed.
  file_storage_name text CHECK (file_storage_name IS NULL OR file_storage_name ~ '^[0-9a-f]{32}$'),
  file_name text,
  file_type text,
  file_size bigint CHECK (file_size IS NULL OR file_size >= 0),
  file_sha256 text CHECK (file_sha256 IS NULL OR file_sha256 ~ '^[0-9a-f]{64}$'),
  file_iv bytea,
  file_tag bytea,
  file_key_id uuid,
  file_uploaded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT evidence_slug_key UNIQUE (org_id, slug),
  CONSTRAINT evidence_tenant_fkey FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT evidence_file_key_fkey FOREIGN KEY (org_id, file_key_id) REFERENCES org_evidence_keys (org_id, key_id),
  CONSTRAINT evidence_link_has_url CHECK (kind <> 'link' OR url IS NOT NULL),
  CONSTRAINT evidence_file_only_for_files CHECK (kind = 'file' OR file_storage_name IS NULL),
  CONSTRAINT evidence_file_complete CHECK ((file_storage_name IS NULL) = (file_sha256 IS NULL)
    AND (file_storage_name IS NULL) = (file_iv IS NULL) AND (file_storage_name IS NULL) = (file_tag IS NULL)
    AND (file_storage_name IS NULL) = (file_key_id IS NULL))
);
CREATE INDEX evidence_tenant ON evidence (org_id, tenant_id);
CREATE INDEX evidence_controls ON evidence USING gin (control_ids);

-- The systems a piece of evidence is about (e.g. the shared database an isolation test ran against).
CREATE TABLE evidence_systems (
  org_id uuid NOT NULL,
  evidence_id uuid NOT NULL,
  system_id uuid NOT NULL,
  PRIMARY KEY (org_id, evidence_id, system_id),
  FOREIGN KEY (org_id, evidence_id) REFERENCES evidence (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id) ON DELETE CASCADE
);
CREATE INDEX evidence_systems_system ON evidence_systems (org_id, system_id);

-- A tenant-viewer reads its own tenant's evidence AND the shared core evidence (tenant_id NULL), never another
-- tenant's, and writes none. Made here so that _after_each.sql, which skips tables that have a tenant_isolation
-- policy, does not add the default one (that one would hide shared evidence from the viewer).
CREATE POLICY tenant_isolation ON evidence AS RESTRICTIVE
  USING (app_tenant_id() IS NULL OR tenant_id IS NULL OR tenant_id = app_tenant_id())
  WITH CHECK (app_tenant_id() IS NULL);
-- (a DELETE has no WITH CHECK: without this, a tenant context could delete the shared evidence it may read)
CREATE POLICY tenant_viewer_no_delete ON evidence AS RESTRICTIVE FOR DELETE
  USING (app_tenant_id() IS NULL);
-- The links of evidence a tenant context cannot see are not visible either (their ids would say it exists).
CREATE POLICY tenant_isolation ON evidence_systems AS RESTRICTIVE
  USING (app_tenant_id() IS NULL
         OR EXISTS (SELECT 1 FROM evidence e WHERE e.org_id = evidence_systems.org_id AND e.id = evidence_systems.evidence_id))
  WITH CHECK (app_tenant_id() IS NULL);

-- Stored files whose evidence was deleted or whose file was replaced, queued IN THE SAME TRANSACTION as the
-- change; the server removes them from disk after the commit (and again later if it stopped in between).
CREATE TABLE evidence_file_deletions (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  storage_name text NOT NULL CHECK (storage_name ~ '^[0-9a-f]{32}$'),
  queued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, storage_name)
);

CREATE FUNCTION evidence_queue_file_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.file_storage_name IS NOT NULL
     AND (TG_OP = 'DELETE' OR NEW.file_storage_name IS DISTINCT FROM OLD.file_storage_name) THEN
    INSERT INTO evidence_file_deletions (org_id, storage_name) VALUES (OLD.org_id, OLD.file_storage_name)
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER evidence_queue_file_deletion AFTER UPDATE OR DELETE ON evidence
  FOR EACH ROW EXECUTE FUNCTION evidence_queue_file_deletion();

CREATE TABLE control_exceptions (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL CHECK (length(btrim(name)) > 0),
  control_id text NOT NULL,
  -- The scope: exactly one of a system, a service, a tenant or a tier.
  system_id uuid,
  service_id uuid,
  tenant_id uuid,
  tier text CHECK (tier IN ('A', 'B', 'C')),
  reason text NOT NULL CHECK (length(btrim(reason)) > 0),
  compensating_measures text NOT NULL CHECK (length(btrim(compensating_measures)) > 0),
  residual_risk_rationale text NOT NULL CHECK (length(btrim(residual_risk_rationale)) > 0),
  expires_on date NOT NULL,
  review_on date NOT NULL,
  owner text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
  -- Who wrote the current content (the creator, or whoever last changed it): never its approver.
  proposed_by_user uuid DEFAULT app_user_id(),
  decided_by_user uuid,
  decided_by text,
  decided_at timestamptz,
  decision_note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT control_exceptions_slug_key UNIQUE (org_id, slug),
  CONSTRAINT control_exceptions_system_fkey FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id),
  CONSTRAINT control_exceptions_service_fkey FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id),
  CONSTRAINT control_exceptions_tenant_fkey FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT control_exceptions_one_scope CHECK (num_nonnulls(system_id, service_id, tenant_id, tier) = 1),
  CONSTRAINT control_exceptions_review_before_expiry CHECK (review_on <= expires_on),
  -- Separation of duties, enforced again by the database: nobody decides an exception whose content they wrote.
  CONSTRAINT control_exceptions_separation_of_duties CHECK (
    status = 'proposed' OR (decided_by_user IS NOT NULL AND decided_at IS NOT NULL
                            AND decided_by_user IS DISTINCT FROM proposed_by_user))
);
CREATE INDEX control_exceptions_control ON control_exceptions (org_id, control_id);
CREATE INDEX control_exceptions_due ON control_exceptions (org_id, status, review_on);

-- Changing what was decided reopens it: an approved or rejected exception whose substance changes is
-- proposed again, by the person who changed it, so an approval always covers exactly what was approved.
CREATE FUNCTION control_exceptions_reopen_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = OLD.status AND OLD.status <> 'proposed'
     AND (NEW.control_id, NEW.system_id, NEW.service_id, NEW.tenant_id, NEW.tier, NEW.reason,
          NEW.compensating_measures, NEW.residual_risk_rationale, NEW.expires_on, NEW.review_on)
         IS DISTINCT FROM
         (OLD.control_id, OLD.system_id, OLD.service_id, OLD.tenant_id, OLD.tier, OLD.reason,
          OLD.compensating_measures, OLD.residual_risk_rationale, OLD.expires_on, OLD.review_on) THEN
    NEW.status := 'proposed';
    NEW.decided_by_user := NULL;
    NEW.decided_by := NULL;
    NEW.decided_at := NULL;
    NEW.decision_note := '';
  END IF;
  IF (NEW.control_id, NEW.system_id, NEW.service_id, NEW.tenant_id, NEW.tier, NEW.reason,
      NEW.compensating_measures, NEW.residual_risk_rationale, NEW.expires_on, NEW.review_on)
     IS DISTINCT FROM
     (OLD.control_id, OLD.system_id, OLD.service_id, OLD.tenant_id, OLD.tier, OLD.reason,
      OLD.compensating_measures, OLD.residual_risk_rationale, OLD.expires_on, OLD.review_on)
     AND app_user_id() IS NOT NULL THEN
    NEW.proposed_by_user := app_user_id();
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER control_exceptions_reopen_on_change BEFORE UPDATE ON control_exceptions
  FOR EACH ROW EXECUTE FUNCTION control_exceptions_reopen_on_change();
