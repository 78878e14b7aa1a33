-- The daily retention sweep runs across organizations: it needs the ids of those that set a retention policy,
-- nothing else. The sweep itself then runs per org, in that org's context, under RLS as usual.
CREATE FUNCTION retention_org_ids()
  RETURNS TABLE (org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT p.org_id FROM retention_policies p ORDER BY p.org_id $$;

REVOKE ALL ON FUNCTION retention_org_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_org_ids() TO tenantproof_app;
