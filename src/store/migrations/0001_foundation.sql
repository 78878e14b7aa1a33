-- Foundation: organizations, people, the first ISMS objects, and row-level security on all of them.
-- Every table holding org data has org_id leading its primary key; every foreign key carries org_id,
-- so a row can never point into another organization and the schema can be distributed by org_id.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantproof_app') THEN
    CREATE ROLE tenantproof_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

-- The org and tenant of the current transaction; NULL (fail closed) when unset.
CREATE FUNCTION app_org_id() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;
CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE orgs (
  org_id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- People are global (one login, many organizations); what anyone may see of them is limited below.
CREATE TABLE users (
  user_id uuid PRIMARY KEY,
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash text,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE services (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  owner text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT services_slug_key UNIQUE (org_id, slug)
);

CREATE TABLE vendors (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  service_provided text NOT NULL DEFAULT '',
  data_categories text[] NOT NULL DEFAULT '{}',
  access_level text NOT NULL DEFAULT 'none',
  criticality text NOT NULL DEFAULT 'medium',
  review_status text NOT NULL DEFAULT 'not-reviewed',
  reviewed_on date,
  regions text[] NOT NULL DEFAULT '{}',
  sub_processor boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT vendors_slug_key UNIQUE (org_id, slug)
);

CREATE TABLE tenants (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  external_id text,
  tier text NOT NULL CHECK (tier IN ('A', 'B', 'C')),
  tier_exceptions text NOT NULL DEFAULT '',
  tenancy_pattern text NOT NULL CHECK (tenancy_pattern IN ('dedicated', 'pooled', 'region-pinned')),
  allowed_regions text[] NOT NULL DEFAULT '{}',
  sector text NOT NULL DEFAULT '',
  dpa_reference text NOT NULL DEFAULT '',
  scc_reference text NOT NULL DEFAULT '',
  breach_notification_hours integer CHECK (breach_notification_hours BETWEEN 1 AND 8760),
  contacts jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT tenants_slug_key UNIQUE (org_id, slug),
  CONSTRAINT tenants_external_id_key UNIQUE (org_id, external_id)
);

CREATE TABLE tenant_services (
  org_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  service_id uuid NOT NULL,
  PRIMARY KEY (org_id, tenant_id, service_id),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE CASCADE
);
CREATE INDEX tenant_services_service ON tenant_services (org_id, service_id);

CREATE TABLE systems (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  kind text NOT NULL,
  environment text NOT NULL,
  regions text[] NOT NULL DEFAULT '{}',
  hosting_vendor_id uuid,
  tenancy text NOT NULL CHECK (tenancy IN ('multi-tenant', 'dedicated')),
  data_categories text[] NOT NULL DEFAULT '{}',
  in_scope boolean NOT NULL,
  exclusion_justification text NOT NULL DEFAULT '',
  owner text NOT NULL DEFAULT '',
  access_control text NOT NULL DEFAULT '',
  logging text NOT NULL DEFAULT '',
  retention text NOT NULL DEFAULT '',
  isolation_mechanism text NOT NULL DEFAULT '',
  deploys_to_production boolean NOT NULL DEFAULT false,
  grants_admin_access boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT systems_slug_key UNIQUE (org_id, slug),
  CONSTRAINT systems_hosting_vendor_fkey FOREIGN KEY (org_id, hosting_vendor_id) REFERENCES vendors (org_id, id),
  CONSTRAINT systems_exclusion_justified CHECK (in_scope OR length(btrim(exclusion_justification)) > 0)
);
CREATE INDEX systems_hosting_vendor ON systems (org_id, hosting_vendor_id);

CREATE TABLE system_tenants (
  org_id uuid NOT NULL,
  system_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  PRIMARY KEY (org_id, system_id, tenant_id),
  FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE
);
CREATE INDEX system_tenants_tenant ON system_tenants (org_id, tenant_id);

CREATE TABLE system_services (
  org_id uuid NOT NULL,
  system_id uuid NOT NULL,
  service_id uuid NOT NULL,
  PRIMARY KEY (org_id, system_id, service_id),
  FOREIGN KEY (org_id, system_id) REFERENCES systems (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE CASCADE
);
CREATE INDEX system_services_service ON system_services (org_id, service_id);

CREATE TABLE data_flows (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  from_system_id uuid NOT NULL,
  to_system_id uuid,
  to_vendor_id uuid,
  data_categories text[] NOT NULL DEFAULT '{}',
  purpose text NOT NULL DEFAULT '',
  service_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT data_flows_slug_key UNIQUE (org_id, slug),
  CONSTRAINT data_flows_from_system_fkey FOREIGN KEY (org_id, from_system_id) REFERENCES systems (org_id, id),
  CONSTRAINT data_flows_to_system_fkey FOREIGN KEY (org_id, to_system_id) REFERENCES systems (org_id, id),
  CONSTRAINT data_flows_to_vendor_fkey FOREIGN KEY (org_id, to_vendor_id) REFERENCES vendors (org_id, id),
  CONSTRAINT data_flows_service_fkey FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id),
  CONSTRAINT data_flows_one_destination CHECK ((to_system_id IS NULL) <> (to_vendor_id IS NULL))
);
CREATE INDEX data_flows_from ON data_flows (org_id, from_system_id);
CREATE INDEX data_flows_to_system ON data_flows (org_id, to_system_id);
CREATE INDEX data_flows_to_vendor ON data_flows (org_id, to_vendor_id);
CREATE INDEX data_flows_service ON data_flows (org_id, service_id);

CREATE TABLE memberships (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'isms-manager', 'engineer', 'auditor', 'tenant-viewer')),
  tenant_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id) ON DELETE CASCADE,
  CONSTRAINT memberships_tenant_viewer_bound CHECK ((role = 'tenant-viewer') = (tenant_id IS NOT NULL))
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
  org_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
  org_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  token_hash text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);

-- What changed, by whom: the dashboard's "recent changes" until the ledger (a later issue) takes over.
CREATE TABLE changes (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id uuid,
  object_slug text NOT NULL DEFAULT '',
  tenant_id uuid,
  summary text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id)
);
CREATE INDEX changes_recent ON changes (org_id, at DESC);
