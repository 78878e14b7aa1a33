import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../access/actor.js';
import { AppError } from '../api/errors.js';
import { Slug } from '../model/common.js';
import { recordChange } from '../ledger/record.js';
import { withContext } from '../store/database.js';
import { membershipsOf } from './auth.js';

export interface OrgRef { orgId: string; slug: string; name: string; isDemo: boolean }

/** An operator's actor (CLI): acts as owner of the organization and is named "operator" in the record. */
export function operatorActor(orgId: string): Actor {
  return { orgId, userId: '00000000-0000-0000-0000-000000000000', email: 'operator', displayName: 'Operator', role: 'owner', tenantId: null, via: 'cli', credentialId: null };
}

export async function findOrg(db: Kysely<any>, slug: string): Promise<OrgRef | undefined> {
  const row = (await sql<any>`SELECT * FROM auth_org_by_slug(${slug})`.execute(db)).rows[0];
  return row ? { orgId: row.org_id, slug: row.slug, name: row.name, isDemo: row.is_demo } : undefined;
}

/** Create an organization (operators only: the CLI, the demo loader and tests). */
export async function createOrg(db: Kysely<any>, input: { slug: string; name: string; isDemo?: boolean }): Promise<OrgRef> {
  if (!new RegExp(Slug.pattern!).test(input.slug)) throw new AppError('validation_failed', 'slug must be lower-case letters, digits and hyphens (1–64 characters).', 'slug');
  if (!input.name.trim() || input.name.length > 200) throw new AppError('validation_failed', 'name must be 1–200 characters.', 'name');
  if (await findOrg(db, input.slug)) throw new AppError('conflict', `An organization with slug "${input.slug}" exists.`, 'slug');
  const orgId = randomUUID();
  await withContext(db, { orgId, tenantId: null, userId: null }, async (trx) => {
    await trx.insertInto('orgs').values({ org_id: orgId, slug: input.slug, name: input.name, is_demo: input.isDemo ?? false }).execute();
    await recordChange(trx, operatorActor(orgId), { action: 'create', objectType: 'organization', objectId: orgId, objectSlug: input.slug, tenantId: null, summary: `Created organization ${input.name}` });
  });
  return { orgId, slug: input.slug, name: input.name, isDemo: input.isDemo ?? false };
}

/** The actor of an existing member, by email (CLI `token create`). */
export async function actorForMember(db: Kysely<any>, org: OrgRef, email: string): Promise<Actor> {
  const user = (await sql<any>`SELECT * FROM auth_find_user(${email})`.execute(db)).rows[0];
  const membership = user ? (await membershipsOf(db, user.user_id)).find((m) => m.orgId === org.orgId) : undefined;
  if (!user || !membership) throw new AppError('not_found', `${email} is not a member of ${org.slug}.`, 'email');
  return { orgId: org.orgId, userId: user.user_id, email, displayName: user.display_name, role: membership.role, tenantId: membership.tenantId, via: 'cli', credentialId: null };
}

/**
 * Every organization of this installation (operators only: the CLI). Through the SECURITY DEFINER function
 * that returns ids only, then each org's own row in its own context.
 */
export async function listOrgs(db: Kysely<any>): Promise<OrgRef[]> {
  const ids = (await sql<{ org_id: string }>`SELECT org_id FROM ledger_org_ids()`.execute(db)).rows.map((r) => r.org_id);
  const out: OrgRef[] = [];
  for (const orgId of ids) {
    const row = await withContext(db, { orgId, tenantId: null, userId: null }, (trx) => trx.selectFrom('orgs').select(['slug', 'name', 'is_demo']).executeTakeFirst());
    if (row) out.push({ orgId, slug: row.slug, name: row.name, isDemo: row.is_demo });
  }
  return out.sort((a, b) => a.slug.localeCompare(b.slug));
}
