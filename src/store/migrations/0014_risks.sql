-- Risk register (ISO/IEC 27001:2022 clauses 6.1.2, 6.1.3, 8.2, 8.3) and interested parties (clause 4.2).
--
-- Design: a risk's likelihood and impact are stored as the owner assessed them; the tier uplift and the levels
-- are computed when served (they depend on the organization's risk method and on the tenants reached, both of
-- which change without the risk changing). Acceptance is a sign-off: only POST /api/risks/{id}/accept writes
-- accepted_by/accepted_at, and the database refuses a risk whose status says "accepted" without one, checked at
-- commit so that a bundle can create an accepted risk and then its acceptance in the same transaction.

-- One row per organization; absent means the default method (src/model/risk-scoring.ts DEFAULT_RISK_METHOD).
CREATE TABLE risk_methods (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  -- The method as validated JSON (thresholds, tier uplift, acceptance threshold): it is read and written whole.
  method jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id),
  CONSTRAINT risk_methods_object CHECK (jsonb_typeof(method) = 'object')
);

CREATE TABLE interested_parties (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('customer-tier', 'customer', 'regulator', 'staff', 'supplier', 'shareholder', 'other')),
  tier text CHECK (tier IN ('A', 'B', 'C')),
  description text NOT NULL DEFAULT '',
  requirements jsonb NOT NULL DEFAULT '[]',
  control_ids text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT interested_parties_slug_key UNIQUE (org_id, slug),
  CONSTRAINT interested_parties_requirements_array CHECK (jsonb_typeof(requirements) = 'array'),
  CONSTRAINT interested_parties_tier_for_customer_tier CHECK ((kind = 'customer-tier') = (tier IS NOT NULL))
);

CREATE TABLE interested_party_tenants (
  org_id uuid NOT NULL,
  interested_party_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  PRIMARY KEY (org_id, interested_party_id, tenant_id),
  FOREIGN KEY (org_id, interested_party_id) REFERENCES interested_parties (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE
);
CREATE INDEX interested_party_tenants_tenant ON interested_party_tenants (org_id, tenant_id);

CREATE TABLE interested_party_vendors (
  org_id uuid NOT NULL,
  interested_party_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  PRIMARY KEY (org_id, interested_party_id, vendor_id),
  FOREIGN KEY (org_id, interested_party_id) REFERENCES interested_parties (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, vendor_id) REFERENCES vendors (org_id, id) ON DELETE CASCADE
);
CREATE INDEX interested_party_vendors_vendor ON interested_party_vendors (org_id, vendor_id);

CREATE TABLE risks (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  owner text NOT NULL DEFAULT '',
  likelihood integer NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
  impact integer NOT NULL CHECK (impact BETWEEN 1 AND 5),
  control_ids text[] NOT NULL DEFAULT '{}',
  treatment text NOT NULL DEFAULT 'mitigate' CHECK (treatment IN ('mitigate', 'transfer', 'avoid', 'accept')),
  treatment_plan text NOT NULL DEFAULT '',
  residual_likelihood integer CHECK (residual_likelihood BETWEEN 1 AND 5),
  residual_impact integer CHECK (residual_impact BETWEEN 1 AND 5),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'treated', 'accepted', 'closed')),
  review_on date,
  -- The blast-radius component a suggestion was adopted from, as 'system/<slug>' or 'vendor/<slug>' (no FK: it may go).
  suggested_from text,
  -- The sign-off, written only by the accept route; cleared by the trigger below when the risk leaves "accepted".
  accepted_by text,
  accepted_by_user uuid,
  accepted_at timestamptz,
  acceptance_rationale text NOT NULL DEFAULT '',
  accepted_level text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT risks_slug_key UNIQUE (org_id, slug),
  CONSTRAINT risks_residual_pair CHECK ((residual_likelihood IS NULL) = (residual_impact IS NULL))
);
CREATE INDEX risks_status ON risks (org_id, status);

-- Leaving "accepted", or changing the scores an acceptance was given for, voids the sign-off: a risk is accepted
-- for the level it had when the owner accepted it, never for a level nobody looked at.
CREATE FUNCTION risks_void_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'accepted' AND NEW.accepted_at IS NOT DISTINCT FROM OLD.accepted_at AND (
       NEW.likelihood <> OLD.likelihood OR NEW.impact <> OLD.impact
       OR NEW.residual_likelihood IS DISTINCT FROM OLD.residual_likelihood
       OR NEW.residual_impact IS DISTINCT FROM OLD.residual_impact) THEN
    NEW.status := CASE WHEN NEW.status = 'accepted' THEN 'open' ELSE NEW.status END;
  END IF;
  IF NEW.status <> 'accepted' THEN
    NEW.accepted_by := NULL;
    NEW.accepted_by_user := NULL;
    NEW.accepted_at := NULL;
    NEW.acceptance_rationale := '';
    NEW.accepted_level := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER risks_void_acceptance BEFORE UPDATE ON risks FOR EACH ROW EXECUTE FUNCTION risks_void_acceptance();

-- "accepted" only with a sign-off, checked at commit (see the design note at the top).
CREATE FUNCTION risks_accepted_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM risks r WHERE r.org_id = NEW.org_id AND r.id = NEW.id AND r.status = 'accepted'
             AND (r.accepted_at IS NULL OR length(btrim(r.acceptance_rationale)) = 0)) THEN
    RAISE EXCEPTION 'risk % is "accepted" without a sign-off', NEW.id
      USING ERRCODE = '23514', CONSTRAINT = 'risks_accepted_signed';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER risks_accepted_signed AFTER INSERT OR UPDATE ON risks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION risks_accepted_signed();

CREATE TABLE risk_systems (
  org_id uuid NOT NULL,
  risk_id uuid NOT NULL,
  system_id uuid NOT NULL,
  PRIMARY KEY (org_id, risk_id, system_id),
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_systems_system ON risk_systems (org_id, system_id);

CREATE TABLE risk_vendors (
  org_id uuid NOT NULL,
  risk_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  PRIMARY KEY (org_id, risk_id, vendor_id),
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, vendor_id) REFERENCES vendors (org_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_vendors_vendor ON risk_vendors (org_id, vendor_id);

CREATE TABLE risk_tenants (
  org_id uuid NOT NULL,
  risk_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  PRIMARY KEY (org_id, risk_id, tenant_id),
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_tenants_tenant ON risk_tenants (org_id, tenant_id);

CREATE TABLE risk_interested_parties (
  org_id uuid NOT NULL,
  risk_id uuid NOT NULL,
  interested_party_id uuid NOT NULL,
  PRIMARY KEY (org_id, risk_id, interested_party_id),
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, interested_party_id) REFERENCES interested_parties (org_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_interested_parties_party ON risk_interested_parties (org_id, interested_party_id);
