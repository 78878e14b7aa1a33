-- Vendors and sub-processors (issue 6, part 10): review tasks, and the sub-processor notice each tenant's DPA requires.
--
-- A review task is opened in the same transaction as the vendor change that needs it (a new sub-processor, or a
-- sub-processor whose regions, data categories or access level changed), or by the recurring schedule (interval by
-- criticality). It records, as a snapshot, the tenants whose data reached the vendor and the notice each one's DPA
-- requires; the snapshot taken when it opens is replaced by the one at completion, and the ledger keeps both.

-- The notice a tenant's DPA requires before the provider engages a new sub-processor (GDPR Art. 28(2)):
-- NULL when the DPA says nothing (or nobody recorded it), and whether the tenant may object.
ALTER TABLE tenants ADD COLUMN sub_processor_notice_days integer CHECK (sub_processor_notice_days BETWEEN 0 AND 365);
ALTER TABLE tenants ADD COLUMN sub_processor_objection_right boolean NOT NULL DEFAULT false;

CREATE TABLE vendor_reviews (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- A deleted vendor only clears vendor_id: the record of the review (slug and name copied) stays.
  vendor_id uuid,
  vendor_slug text NOT NULL,
  vendor_name text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('new-sub-processor', 'sub-processor-changed', 'recurring')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  due_on date NOT NULL,
  -- What changed on the vendor (field, before, after), for a sub-processor-changed review.
  changes jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(changes) = 'array'),
  -- The tenants whose data reaches the vendor, each with its DPA's notice (see the model's TenantNotice).
  tenants_reached jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tenants_reached) = 'array'),
  opened_at timestamptz NOT NULL DEFAULT now(),
  opened_by text NOT NULL,
  closed_at timestamptz,
  closed_by text,
  result text CHECK (result IN ('approved', 'approved-with-conditions', 'rejected')),
  outcome text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, vendor_id) REFERENCES vendors (org_id, id) ON DELETE SET NULL (vendor_id),
  CONSTRAINT vendor_reviews_closed CHECK ((status = 'open') = (closed_at IS NULL)),
  CONSTRAINT vendor_reviews_done_has_outcome CHECK (status <> 'done' OR (result IS NOT NULL AND length(btrim(outcome)) > 0))
);
-- Never two open tasks for the same vendor and reason: opening is idempotent, and two concurrent openings cannot
-- both succeed.
CREATE UNIQUE INDEX vendor_reviews_one_open ON vendor_reviews (org_id, vendor_id, reason) WHERE status = 'open';
CREATE INDEX vendor_reviews_status_due ON vendor_reviews (org_id, status, due_on, id);
CREATE INDEX vendor_reviews_vendor ON vendor_reviews (org_id, vendor_id, opened_at DESC);
