-- Three indexes for investigations instead of seven, because every one of them is written under the ledger's
-- append lock for every ingested event.
--
-- Before: (tenant, time), (time), (system, time) and, from 0010, one index per filter: tenant + action,
-- tenant + system, tenant + actor, and the tenant's external actors. Inserting 5,000 events into a copy of
-- ledger_entries took 378 ms with those seven and the ledger's own two (the primary key and source-event
-- uniqueness), and 102 ms with the ledger's two alone (docs/benchmarks.md, "Which indexes an event pays for"). And a filter the indexes did not lead with still
-- fetched each candidate row from the heap: tenant + external + failure had p95 78-164 ms with a cold cache at
-- 10,000,000 events, and an actor across all tenants took 1.8-2.4 s.
--
-- After: each index carries every filter column in its key, after the columns that give the cursor's order
-- (occurred_at, idx, newest first). A query walks its tenant (or the organization, or one actor) newest first and
-- the index itself tests the other filters, so no row is fetched from the heap until it is known to match.
-- - tenant_timeline: a tenant's events, with or without any other filter. The tenant-viewer's queries come here too.
-- - timeline: the organization's events across tenants (an engineer with no tenant filter).
-- - by_actor: one actor's events newest first, across all tenants ("what did this account do?") or in one tenant.
--   Across tenants no index that leads with time can find a rare actor without walking the whole organization.
--   In one tenant the planner walks whichever is shorter: the tenant's timeline testing the actor, or the actor's
--   events testing the tenant. (Leading with (actor, tenant) instead made the tenant's query exact but left an
--   actor across tenants to be read whole and sorted, or found by a count first: p95 110 ms at 10M events.)
-- Cost: a query whose other filters match rarely within a busy tenant reads more index entries than one led by
-- that filter would; bench:ledger reports each query shape's p50 and p95.
CREATE INDEX ledger_entries_events_tenant_timeline ON ledger_entries
  (org_id, tenant_id, occurred_at DESC, idx DESC, actor_internal, outcome, action, system_id, source, actor) WHERE kind = 'event';
CREATE INDEX ledger_entries_events_timeline ON ledger_entries
  (org_id, occurred_at DESC, idx DESC, tenant_id, actor_internal, outcome, action, system_id, source, actor) WHERE kind = 'event';
CREATE INDEX ledger_entries_events_by_actor ON ledger_entries
  (org_id, actor, occurred_at DESC, idx DESC, tenant_id, actor_internal, outcome, action, system_id, source) WHERE kind = 'event';

DROP INDEX ledger_entries_events_by_tenant;
DROP INDEX ledger_entries_events_by_time;
DROP INDEX ledger_entries_events_by_system;
DROP INDEX ledger_entries_events_by_tenant_action;
DROP INDEX ledger_entries_events_by_tenant_system;
DROP INDEX ledger_entries_events_by_tenant_actor;
DROP INDEX ledger_entries_events_external_by_tenant;
