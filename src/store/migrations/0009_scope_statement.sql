-- The ISMS scope statement (ISO/IEC 27001:2022 clause 4.3) and the change requests that move it.
--
-- Design: a scope statement is never edited. Every version is created by approving a change request that
-- carries the whole proposed statement (text, services, locations, teams, exclusions) and its ISMS-impact
-- section; approval copies the proposal into version N+1 in the same transaction. So every version has a
-- sign-off, a requester and a decider who are different people, and the history is the list of versions.
-- Version numbers are per organization; (org_id, version) is the primary key, so two concurrent approvals
-- cannot both create the same version (the service also serializes them under an advisory lock).

CREATE TABLE scope_change_requests (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL CHECK (length(btrim(title)) > 0),
  kind text NOT NULL CHECK (kind IN ('new-service', 'new-platform', 'new-region', 'new-vendor', 'other')),
  description text NOT NULL DEFAULT '',
  -- ISMS impact: what the change touches and what it does to risks, controls and customers.
  impact_assets text NOT NULL DEFAULT '',
  impact_risks text NOT NULL DEFAULT '',
  impact_controls text NOT NULL DEFAULT '',
  impact_tenants text NOT NULL DEFAULT '',
  -- The whole statement as it would read after approval (its services are in scope_change_request_services).
  proposed_text text NOT NULL,
  proposed_locations text[] NOT NULL DEFAULT '{}',
  proposed_teams text[] NOT NULL DEFAULT '{}',
  proposed_exclusions jsonb NOT NULL DEFAULT '[]',
  -- The version the proposal was written against (0: there was none yet); approval requires it to be current,
  -- so that approving an old proposal can never silently undo a change approved in between.
  base_version integer NOT NULL DEFAULT 0 CHECK (base_version >= 0),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'withdrawn')),
  requested_by_user uuid NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  decided_by_user uuid,
  decided_by text,
  decided_at timestamptz,
  decision_note text NOT NULL DEFAULT '',
  resulting_version integer,
  PRIMARY KEY (org_id, id),
  CONSTRAINT scope_change_requests_number_key UNIQUE (org_id, number),
  CONSTRAINT scope_change_requests_exclusions_array CHECK (jsonb_typeof(proposed_exclusions) = 'array'),
  -- Separation of duties, enforced again by the database: nobody decides their own request.
  CONSTRAINT scope_change_requests_separation_of_duties CHECK (
    status NOT IN ('approved', 'rejected') OR (decided_by_user IS NOT NULL AND decided_by_user <> requested_by_user)),
  CONSTRAINT scope_change_requests_approved_version CHECK ((status = 'approved') = (resulting_version IS NOT NULL))
);
CREATE INDEX scope_change_requests_status ON scope_change_requests (org_id, status, number DESC);

-- The services the proposal covers. Slug and name are copied when the proposal is saved, and a deleted
-- service only clears service_id: the record of what was proposed never changes under it.
CREATE TABLE scope_change_request_services (
  org_id uuid NOT NULL,
  change_request_id uuid NOT NULL,
  service_id uuid,
  service_slug text NOT NULL,
  service_name text NOT NULL,
  PRIMARY KEY (org_id, change_request_id, service_slug),
  FOREIGN KEY (org_id, change_request_id) REFERENCES scope_change_requests (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE SET NULL (service_id)
);
CREATE INDEX scope_change_request_services_service ON scope_change_request_services (org_id, service_id);

CREATE TABLE scope_statements (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version > 0),
  text text NOT NULL CHECK (length(btrim(text)) > 0),
  locations text[] NOT NULL DEFAULT '{}',
  teams text[] NOT NULL DEFAULT '{}',
  exclusions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(exclusions) = 'array'),
  approved_at timestamptz NOT NULL DEFAULT now(),
  approved_by_user uuid NOT NULL,
  approved_by text NOT NULL,
  change_request_id uuid NOT NULL,
  PRIMARY KEY (org_id, version),
  CONSTRAINT scope_statements_change_request_key UNIQUE (org_id, change_request_id),
  FOREIGN KEY (org_id, change_request_id) REFERENCES scope_change_requests (org_id, id)
);

-- The services of a version, copied at approval (same reasoning as for the proposal).
CREATE TABLE scope_statement_services (
  org_id uuid NOT NULL,
  version integer NOT NULL,
  service_id uuid,
  service_slug text NOT NULL,
  service_name text NOT NULL,
  PRIMARY KEY (org_id, version, service_slug),
  FOREIGN KEY (org_id, version) REFERENCES scope_statements (org_id, version) ON DELETE CASCADE,
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE SET NULL (service_id)
);
CREATE INDEX scope_statement_services_service ON scope_statement_services (org_id, service_id);

ALTER TABLE scope_change_requests
  ADD CONSTRAINT scope_change_requests_resulting_version_fkey FOREIGN KEY (org_id, resulting_version) REFERENCES scope_statements (org_id, version)
  DEFERRABLE INITIALLY DEFERRED;

-- An approved version is a record: it is never rewritten. (The app role holds UPDATE and DELETE on every
-- org table through _after_each.sql; this trigger refuses them here, whoever asks.)
CREATE FUNCTION scope_statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'scope statement versions are never changed or deleted' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER scope_statements_immutable BEFORE UPDATE OR DELETE ON scope_statements
  FOR EACH ROW EXECUTE FUNCTION scope_statements_immutable();
