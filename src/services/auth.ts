import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Actor, Role } from '../access/actor.js';
import { LOCK_AFTER_FAILURES, LOCK_SECONDS } from '../access/login-throttle.js';
import { newSecret, secretHash, verifyPassword } from '../access/secrets.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import { withContext } from '../store/database.js';

export interface OrgMembership { orgId: string; slug: string; name: string; role: Role; tenantId: string | null }

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
  organizations: OrgMembership[];
}

/** The organizations a person belongs to (login and the org switcher). */
export async function membershipsOf(db: Kysely<any>, userId: string): Promise<OrgMembership[]> {
  const rows = await sql<any>`SELECT * FROM auth_memberships(${userId})`.execute(db);
  return rows.rows.map((r) => ({ orgId: r.org_id, slug: r.org_slug, name: r.org_name, role: r.role, tenantId: r.tenant_id }));
}

/**
 * Check a password and open a session in the chosen (or first) organization. Failures are counted per
 * account; after LOCK_AFTER_FAILURES the account is locked for LOCK_SECONDS, correct password or not.
 */
export async function login(
  db: Kysely<any>,
  input: { email: string; password: string; org?: string | undefined },
  meta: { ip: string; userAgent: string; sessionSeconds: number; requestId?: string },
): Promise<LoginResult> {
  const found = (await sql<any>`SELECT * FROM auth_find_user(${input.email})`.execute(db)).rows[0];
  if (found?.locked_until && new Date(found.locked_until).getTime() > Date.now()) {
    const wait = Math.ceil((new Date(found.locked_until).getTime() - Date.now()) / 1000);
    throw new AppError('too_many_attempts', `Too many failed logins; the account is locked for ${wait} more seconds.`, undefined, { 'retry-after': String(wait) });
  }
  const ok = await verifyPassword(found?.password_hash ?? null, input.password);
  if (!found || !ok) {
    if (found) await sql`SELECT auth_record_login(${found.user_id}, false, ${LOCK_AFTER_FAILURES}, ${LOCK_SECONDS})`.execute(db);
    throw new AppError('invalid_credentials');
  }
  const organizations = await membershipsOf(db, found.user_id);
  const chosen = input.org ? organizations.find((o) => o.slug === input.org) : organizations[0];
  if (!chosen) {
    // Same answer as a wrong password: whether an account belongs to an org is not revealed.
    throw new AppError('invalid_credentials', input.org ? 'Email, password or organization is wrong.' : undefined);
  }
  await sql`SELECT auth_record_login(${found.user_id}, true, ${LOCK_AFTER_FAILURES}, ${LOCK_SECONDS})`.execute(db);
  const sessionToken = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + meta.sessionSeconds * 1000);
  const sessionId = randomUUID();
  const actor: Actor = {
    orgId: chosen.orgId, userId: found.user_id, email: input.email, displayName: found.display_name,
    role: chosen.role, tenantId: chosen.tenantId, via: 'session', credentialId: sessionId,
    sourceIp: meta.ip, ...(meta.requestId ? { requestId: meta.requestId } : {}),
  };
  await withContext(db, { orgId: chosen.orgId, tenantId: null, userId: found.user_id }, async (trx) => {
    await trx.insertInto('sessions').values({
      org_id: chosen.orgId, id: sessionId, user_id: found.user_id, token_hash: secretHash(sessionToken),
      csrf_token: csrfToken, expires_at: expiresAt.toISOString(), ip: meta.ip.slice(0, 100), user_agent: meta.userAgent.slice(0, 500),
    }).execute();
    await recordChange(trx, actor, { action: 'login', objectType: 'session', objectId: sessionId, objectSlug: input.email, tenantId: null, summary: `${input.email} logged in` });
  });
  return { sessionToken, csrfToken, expiresAt, actor, organizations };
}

export interface SessionActor { actor: Actor; csrfToken: string }

/** The actor behind a session cookie, or an error saying why not. */
export async function actorFromSession(db: Kysely<any>, sessionToken: string): Promise<SessionActor> {
  const row = (await sql<any>`SELECT * FROM auth_session(${secretHash(sessionToken)})`.execute(db)).rows[0];
  if (!row) throw new AppError('unauthenticated');
  if (new Date(row.expires_at).getTime() <= Date.now()) throw new AppError('session_expired');
  return {
    actor: { orgId: row.org_id, userId: row.user_id, email: row.email, displayName: row.display_name, role: row.role, tenantId: row.tenant_id, via: 'session', credentialId: row.session_id },
    csrfToken: row.csrf_token,
  };
}

/** The actor behind a bearer token, or an error saying why not (unknown, expired or revoked). */
export async function actorFromToken(db: Kysely<any>, token: string): Promise<Actor> {
  const row = (await sql<any>`SELECT * FROM auth_api_token(${secretHash(token)})`.execute(db)).rows[0];
  if (!row) throw new AppError('unauthenticated', 'The API token is not valid.');
  if (row.revoked_at) throw new AppError('token_revoked');
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) throw new AppError('token_expired');
  return { orgId: row.org_id, userId: row.user_id, email: row.email, displayName: row.display_name, role: row.role, tenantId: row.tenant_id, via: 'token', credentialId: row.token_id };
}

export async function logout(db: Kysely<any>, actor: Actor): Promise<void> {
  if (actor.via !== 'session' || !actor.credentialId) return;
  await withContext(db, { orgId: actor.orgId, tenantId: null, userId: actor.userId }, async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', actor.credentialId).execute();
    await recordChange(trx, actor, { action: 'logout', objectType: 'session', objectId: actor.credentialId, objectSlug: actor.email, tenantId: null, summary: `${actor.email} logged out` });
  });
}
