-- Tenant-level isolation beyond the generic tenant_id policy, and the narrow doors authentication uses
-- before an org context exists. The generic org policy comes from _after_each.sql.

-- A tenant-viewer sees only its own tenant row.
CREATE POLICY tenant_isolation ON tenants AS RESTRICTIVE
  USING (app_tenant_id() IS NULL OR id = app_tenant_id())
  WITH CHECK (app_tenant_id() IS NULL OR id = app_tenant_id());

-- A tenant-viewer never sees a system dedicated to another tenant.
CREATE POLICY tenant_isolation ON systems AS RESTRICTIVE
  USING (
    app_tenant_id() IS NULL
    OR tenancy = 'multi-tenant'
    OR EXISTS (SELECT 1 FROM system_tenants st
               WHERE st.org_id = systems.org_id AND st.system_id = systems.id AND st.tenant_id = app_tenant_id())
  )
  WITH CHECK (app_tenant_id() IS NULL);

-- People: visible to themselves and to the organizations (and tenants) they are members of.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_visible ON users FOR SELECT
  USING (user_id = app_user_id() OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.user_id));
CREATE POLICY users_insert ON users FOR INSERT WITH CHECK (app_org_id() IS NOT NULL);
CREATE POLICY users_update ON users FOR UPDATE
  USING (user_id = app_user_id() OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.user_id));
GRANT SELECT, INSERT, UPDATE ON users TO tenantproof_app;

-- Authentication lookups run before any org context exists, so they are SECURITY DEFINER functions that
-- return exactly what login needs and nothing else.
CREATE FUNCTION auth_find_user(p_email text)
  RETURNS TABLE (user_id uuid, display_name text, password_hash text, failed_logins integer, locked_until timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT u.user_id, u.display_name, u.password_hash, u.failed_logins, u.locked_until
        FROM users u WHERE lower(u.email) = lower(p_email) $$;

CREATE FUNCTION auth_record_login(p_user_id uuid, p_success boolean, p_lock_after integer, p_lock_seconds integer)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    IF p_success THEN
      UPDATE users SET failed_logins = 0, locked_until = NULL WHERE user_id = p_user_id;
    ELSE
      UPDATE users SET failed_logins = failed_logins + 1,
        locked_until = CASE WHEN failed_logins + 1 >= p_lock_after
                            THEN now() + make_interval(secs => p_lock_seconds) ELSE locked_until END
      WHERE user_id = p_user_id;
    END IF;
  END $$;

CREATE FUNCTION auth_memberships(p_user_id uuid)
  RETURNS TABLE (org_id uuid, org_slug text, org_name text, role text, tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT m.org_id, o.slug, o.name, m.role, m.tenant_id
        FROM memberships m JOIN orgs o ON o.org_id = m.org_id
        WHERE m.user_id = p_user_id ORDER BY o.slug $$;

CREATE FUNCTION auth_session(p_token_hash text)
  RETURNS TABLE (session_id uuid, org_id uuid, user_id uuid, role text, tenant_id uuid, csrf_token text,
                 expires_at timestamptz, email text, display_name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT s.id, s.org_id, s.user_id, m.role, m.tenant_id, s.csrf_token, s.expires_at, u.email, u.display_name
        FROM sessions s
        JOIN memberships m ON m.org_id = s.org_id AND m.user_id = s.user_id
        JOIN users u ON u.user_id = s.user_id
        WHERE s.token_hash = p_token_hash $$;

CREATE FUNCTION auth_api_token(p_token_hash text)
  RETURNS TABLE (token_id uuid, org_id uuid, user_id uuid, role text, tenant_id uuid,
                 expires_at timestamptz, revoked_at timestamptz, email text, display_name text)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    -- last use is recorded at most once a minute so that reads stay reads
    UPDATE api_tokens t SET last_used_at = now()
      WHERE t.token_hash = p_token_hash AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute');
    RETURN QUERY SELECT t.id, t.org_id, t.user_id, m.role, m.tenant_id, t.expires_at, t.revoked_at, u.email, u.display_name
      FROM api_tokens t
      JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id
      JOIN users u ON u.user_id = t.user_id
      WHERE t.token_hash = p_token_hash;
  END $$;

-- Operators name organizations by slug on the command line.
CREATE FUNCTION auth_org_by_slug(p_slug text)
  RETURNS TABLE (org_id uuid, slug text, name text, is_demo boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT o.org_id, o.slug, o.name, o.is_demo FROM orgs o WHERE o.slug = p_slug $$;

REVOKE ALL ON FUNCTION auth_find_user(text), auth_record_login(uuid, boolean, integer, integer),
  auth_memberships(uuid), auth_session(text), auth_api_token(text), auth_org_by_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_find_user(text), auth_record_login(uuid, boolean, integer, integer),
  auth_memberships(uuid), auth_session(text), auth_api_token(text), auth_org_by_slug(text) TO tenantproof_app;
