-- Records of processing (GDPR Art. 30, issue 6 part 8) and the RACI matrix per service (part 9).
--
-- A processing activity describes one processing for a service (tenant_id NULL: the same for every customer of
-- the service) or for one customer tenant (an activity that differs for that tenant). The provider's role decides
-- which record it belongs to: controller and joint-controller activities make the controller record (Art. 30(1)),
-- processor activities the processor record kept per controller, i.e. per customer (Art. 30(2)).

CREATE TABLE processing_activities (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  service_id uuid,
  tenant_id uuid,
  role text NOT NULL CHECK (role IN ('processor', 'controller', 'joint-controller')),
  joint_controllers text NOT NULL DEFAULT '',
  joint_arrangement text NOT NULL DEFAULT '',
  controller_name text NOT NULL DEFAULT '',
  controller_contact text NOT NULL DEFAULT '',
  representative text NOT NULL DEFAULT '',
  dpo text NOT NULL DEFAULT '',
  purposes text[] NOT NULL DEFAULT '{}',
  lawful_basis text NOT NULL DEFAULT '',
  data_subject_categories text[] NOT NULL DEFAULT '{}',
  personal_data_categories text[] NOT NULL DEFAULT '{}',
  special_categories text[] NOT NULL DEFAULT '{}',
  recipients text[] NOT NULL DEFAULT '{}',
  transfers jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(transfers) = 'array'),
  retention text NOT NULL DEFAULT '',
  security_measure_control_ids text[] NOT NULL DEFAULT '{}',
  security_measures text NOT NULL DEFAULT '',
  owner text NOT NULL DEFAULT '',
  reviewed_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT processing_activities_slug_key UNIQUE (org_id, slug),
  CONSTRAINT processing_activities_service_fkey FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id),
  CONSTRAINT processing_activities_tenant_fkey FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  -- Art. 26: joint controllers determine their respective responsibilities in an arrangement.
  CONSTRAINT processing_activities_joint_arrangement CHECK (role <> 'joint-controller' OR length(btrim(joint_arrangement)) > 0),
  -- A processor acts for a customer: the activity names the service (every customer of it) or the tenant.
  CONSTRAINT processing_activities_processor_for_whom CHECK (role <> 'processor' OR service_id IS NOT NULL OR tenant_id IS NOT NULL)
);
CREATE INDEX processing_activities_service ON processing_activities (org_id, service_id);
CREATE INDEX processing_activities_tenant ON processing_activities (org_id, tenant_id);

-- A tenant-viewer sees the activities of its own tenant and the service-wide processor activities of the services
-- it consumes (its processor record is made of both); never another tenant's, nor the provider's controller
-- activities. Written here, not by _after_each.sql, whose generic policy would hide every service-wide row
-- (tenant_id NULL) from the viewer. Writes in a tenant context are refused.
CREATE POLICY tenant_isolation ON processing_activities AS RESTRICTIVE
  USING (
    app_tenant_id() IS NULL
    OR tenant_id = app_tenant_id()
    OR (tenant_id IS NULL AND role = 'processor' AND EXISTS (
          SELECT 1 FROM tenant_services ts
          WHERE ts.org_id = processing_activities.org_id AND ts.service_id = processing_activities.service_id
            AND ts.tenant_id = app_tenant_id()))
  )
  WITH CHECK (app_tenant_id() IS NULL);

-- Sub-processors engaged for the activity (Art. 28(2) and (4)).
CREATE TABLE processing_activity_vendors (
  org_id uuid NOT NULL,
  processing_activity_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  PRIMARY KEY (org_id, processing_activity_id, vendor_id),
  FOREIGN KEY (org_id, processing_activity_id) REFERENCES processing_activities (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, vendor_id) REFERENCES vendors (org_id, id) ON DELETE CASCADE
);
CREATE INDEX processing_activity_vendors_vendor ON processing_activity_vendors (org_id, vendor_id);

-- The RACI matrix of a service: one row per filled cell (activity × party); an empty cell has no row. Activities
-- keep the order they were saved in (position). The rules across rows (exactly one A and at least one R per
-- activity) are checked by the service, which always replaces a service's whole matrix in one transaction.
CREATE TABLE raci_assignments (
  org_id uuid NOT NULL,
  service_id uuid NOT NULL,
  activity text NOT NULL CHECK (activity ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  party text NOT NULL CHECK (party IN ('customer', 'provider', 'sub-processor')),
  value text NOT NULL CHECK (value IN ('R', 'A', 'C', 'I')),
  position integer NOT NULL CHECK (position >= 0),
  label text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, service_id, activity, party),
  FOREIGN KEY (org_id, service_id) REFERENCES services (org_id, id) ON DELETE CASCADE
);
