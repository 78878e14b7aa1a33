-- Events ingested from the provider's tools live in the ledger beside the platform's own changes
-- (kind = 'event'). These columns are a queryable projection of what the entry's payload commits to;
-- `verify` checks that they still agree with the payload.
ALTER TABLE ledger_entries
  ADD COLUMN occurred_at timestamptz,
  ADD COLUMN source text,
  ADD COLUMN source_event_id text,
  ADD COLUMN system_id uuid,
  ADD COLUMN actor_internal boolean,
  ADD COLUMN outcome text;

ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_event_fields CHECK (
  kind <> 'event' OR (occurred_at IS NOT NULL AND source IS NOT NULL AND source_event_id IS NOT NULL AND outcome IS NOT NULL)
);

-- Idempotency: the same event of the same tool is accepted once per organization.
CREATE UNIQUE INDEX ledger_entries_source_event ON ledger_entries (org_id, source, source_event_id) WHERE kind = 'event';
-- Investigations are per tenant and by time, newest first.
CREATE INDEX ledger_entries_events_by_tenant ON ledger_entries (org_id, tenant_id, occurred_at DESC, idx DESC) WHERE kind = 'event';
CREATE INDEX ledger_entries_events_by_time ON ledger_entries (org_id, occurred_at DESC, idx DESC) WHERE kind = 'event';
CREATE INDEX ledger_entries_events_by_system ON ledger_entries (org_id, system_id, occurred_at DESC) WHERE kind = 'event';
