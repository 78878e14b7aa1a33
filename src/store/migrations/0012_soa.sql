-- Control implementations and the Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d).
--
-- Design: a control implementation says how the provider meets one Annex A control. A `common` one is the
-- shared-platform backbone and applies to every tenant; an `overlay` applies only to the tiers, tenants and
-- services it targets and to the tenants its systems reach, and may replace (`overrides`) the common
-- implementation for them. Control ids are catalog ids ('5.15'), checked by the application against the shipped
-- catalog (no table holds the catalog). The SoA itself is computed from the decisions and implementations on
-- every read; approving it freezes the computed rows into a version that is never changed.

CREATE TABLE control_implementations (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  control_id text NOT NULL CHECK (control_id ~ '^[5-8]\.[0-9]{1,2}$'),
  layer text NOT NULL CHECK (layer IN ('common', 'overlay')),
  target_tiers text[] NOT NULL DEFAULT '{}' CHECK (target_tiers <@ ARRAY['A', 'B', 'C']::text[]),
  overrides boolean NOT NULL DEFAULT false,
  owner text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('planned', 'implemented', 'operating', 'not-applicable')),
  description text NOT NULL DEFAULT '',
  evidence_links jsonb NOT NULL DEFAULT '[]',
  review_cadence_days integer CHECK (review_cadence_days BETWEEN 1 AND 3660),
  last_reviewed_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT control_implementations_slug_key UNIQUE (org_id, slug),
  CONSTRAINT control_implementations_evidence_links_array CHECK (jsonb_typeof(evidence_links) = 'array'),
  -- A common implementation applies to everyone: it targets no tier and replaces nothing.
  CONSTRAINT control_implementations_common_untargeted CHECK (layer = 'overlay' OR (cardinality(target_tiers) = 0 AND NOT overrides))
);
CREATE INDEX control_implementations_control ON control_implementations (org_id, control_id);

-- The tenant_id column gives this table the restrictive tenant policy (_after_each.sql): a tenant-viewer sees
-- only the links to its own tenant, so an overlay made for another tenant never reaches its view.
CREATE TABLE control_implementation_tenants (
  org_id uuid NOT NULL,
  control_implementation_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  PRIMARY KEY (org_id, control_implementation_id, tenant_id),
  FOREIGN KEY (org_id, control_implementation_id) REFERENCES control_implementations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE
);
CREATE INDEX control_implementation_tenants_tenant ON control_implementation_tenants (org_id, tenant_id);

CREATE TABLE control_implementation_services (
  org_id uuid NOT NULL,
  control_implementation_id uuid NOT NULL,
  service_id uuid NOT NULL,
  PRIMARY KEY (org_id, control_implementation_id, service_id),
  FOREIGN KEY (org_id, control_implementation_id) REFERENCES control_implementations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE CASCADE
);
CREATE INDEX control_implementation_services_service ON control_implementation_services (org_id, service_id);

CREATE TABLE control_implementation_systems (
  org_id uuid NOT NULL,
  control_implementation_id uuid NOT NULL,
  system_id uuid NOT NULL,
  PRIMARY KEY (org_id, control_implementation_id, system_id),
  FOREIGN KEY (org_id, control_implementation_id) REFERENCES control_implementations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id) ON DELETE CASCADE
);
CREATE INDEX control_implementation_systems_system ON control_implementation_systems (org_id, system_id);

-- One applicability decision per Annex A control; a control without a row is "not decided yet".
CREATE TABLE soa_decisions (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  control_id text NOT NULL CHECK (control_id ~ '^[5-8]\.[0-9]{1,2}$'),
  applicable boolean NOT NULL,
  reasons text[] NOT NULL DEFAULT '{}'
    CHECK (reasons <@ ARRAY['risk-assessment', 'legal', 'contractual', 'business', 'best-practice']::text[]),
  justification text NOT NULL DEFAULT '',
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, control_id),
  -- Excluding a control is what an auditor questions first: it always says why.
  CONSTRAINT soa_decisions_exclusion_justified CHECK (applicable OR length(btrim(justification)) > 0)
);

-- An approved SoA: the computed rows as they were, numbered per organization. (org_id, version) is the primary
-- key, so two concurrent approvals cannot both take the same number (the service also serializes them).
CREATE TABLE soa_versions (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version > 0),
  approved_by_user uuid NOT NULL,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  note text NOT NULL DEFAULT '',
  summary jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
  content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'array'),
  PRIMARY KEY (org_id, version)
);

-- An approved version is a record: it is never rewritten (the app role holds UPDATE and DELETE on every org
-- table through _after_each.sql; this trigger refuses them here, whoever asks).
CREATE FUNCTION soa_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'approved SoA versions are never changed or deleted' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER soa_versions_immutable BEFORE UPDATE OR DELETE ON soa_versions
  FOR EACH ROW EXECUTE FUNCTION soa_versions_immutable();
