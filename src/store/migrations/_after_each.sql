-- Applied after every migration (the pattern of Logto's _after_each.sql): every table that has an
-- org_id column gets row-level security enabled AND forced, the fail-closed org policy, and grants
-- for the application role; every table with a tenant_id column gets the restrictive tenant policy.
-- Nobody writes these by hand per table, so no table can be forgotten.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    IF NOT EXISTS (SELECT 1 FROM pg_policies p
                   WHERE p.schemaname = current_schema() AND p.tablename = t.relname AND p.policyname = 'org_isolation') THEN
      EXECUTE format($p$CREATE POLICY org_isolation ON %I
        USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
        WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)$p$, t.relname);
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO tenantproof_app', t.relname);
  END LOOP;

  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_policies p
                   WHERE p.schemaname = current_schema() AND p.tablename = t.relname AND p.policyname = 'tenant_isolation') THEN
      EXECUTE format($p$CREATE POLICY tenant_isolation ON %I AS RESTRICTIVE
        USING (NULLIF(current_setting('app.tenant_id', true), '') IS NULL
               OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (NULLIF(current_setting('app.tenant_id', true), '') IS NULL
               OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t.relname);
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tenantproof_app;
