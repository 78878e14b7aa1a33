-- Work across organizations for the ledger: the checkpoint timer signs tree heads for every org that is due,
-- and `tenantproof verify` without --org checks every org's ledger. The application role sees no row without
-- app.org_id (forced RLS), so, as for authentication, two narrow SECURITY DEFINER functions answer exactly
-- what that work needs: organization ids, nothing of their data. The work itself then runs per org, in that
-- org's context, under RLS as usual.

-- Orgs whose ledger needs a new signed tree head at p_now: never signed, or p_entries entries appended since
-- the last checkpoint, or the last one signed p_seconds ago or more (a fresh timestamp even when nothing
-- changed). The same policy as checkpointIfDue (src/ledger/checkpoints.ts), which decides again per org.
CREATE FUNCTION ledger_checkpoints_due(p_entries bigint, p_seconds double precision, p_now timestamptz)
  RETURNS TABLE (org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT h.org_id
    FROM ledger_heads h
    LEFT JOIN LATERAL (
      SELECT c.tree_size, c.signed_at FROM ledger_checkpoints c
      WHERE c.org_id = h.org_id
      ORDER BY c.tree_size DESC, c.signed_at DESC
      LIMIT 1
    ) last ON true
    WHERE last.tree_size IS NULL
       OR h.tree_size - last.tree_size >= p_entries
       OR last.signed_at <= p_now - make_interval(secs => p_seconds)
    ORDER BY h.org_id $$;

-- Every org that has a ledger (operators' `tenantproof verify` with no --org).
CREATE FUNCTION ledger_org_ids()
  RETURNS TABLE (org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT h.org_id FROM ledger_heads h ORDER BY h.org_id $$;

REVOKE ALL ON FUNCTION ledger_checkpoints_due(bigint, double precision, timestamptz), ledger_org_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger_checkpoints_due(bigint, double precision, timestamptz), ledger_org_ids() TO tenantproof_app;
