import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { hashPassword } from '../access/secrets.js';
import { AppError } from '../api/errors.js';
import type { Member, MemberCreate, MemberUpdate } from '../model/member.js';
import { recordChange } from '../ledger/record.js';
import { asActor } from './resources.js';

function present(r: any): Member {
  return { userId: r.user_id, email: r.email, displayName: r.display_name, role: r.role, tenantId: r.tenant_id, createdAt: r.created_at };
}

function baseQuery(trx: Transaction<any>) {
  return trx.selectFrom('memberships as m').innerJoin('users as u', 'u.user_id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.display_name', 'm.role', 'm.tenant_id', 'm.created_at']);
}

export async function listMembers(db: Kysely<any>, actor: Actor): Promise<Member[]> {
  authorize(actor, 'read', 'members');
  return asActor(db, actor, async (trx) => (await baseQuery(trx).orderBy('u.email').execute()).map(present));
}

export async function getMember(db: Kysely<any>, actor: Actor, userId: string): Promise<Member> {
  authorize(actor, 'read', 'members');
  const row = await asActor(db, actor, (trx) => baseQuery(trx).where('m.user_id', '=', userId).executeTakeFirst());
  if (!row) throw new AppError('not_found', 'Member not found.');
  return present(row);
}

async function checkTenantBinding(trx: Transaction<any>, role: string, tenantId: string | null | undefined): Promise<void> {
  if (role === 'tenant-viewer') {
    if (!tenantId) throw new AppError('invalid_value', 'A tenant-viewer must be bound to one tenant.', 'tenantId');
    const t = await trx.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
    if (!t) throw new AppError('reference_not_found', `tenantId: no tenant with id ${tenantId} in this organization.`, 'tenantId');
  } else if (tenantId) {
    throw new AppError('invalid_value', 'Only a tenant-viewer is bound to a tenant.', 'tenantId');
  }
}

/**
 * Add a person to the organization. A password is always required, and used only when the person has no
 * account yet (an existing account, from another organization, keeps its own): the answer is the same
 * either way, so adding a member never reveals whether an email has an account elsewhere.
 */
export async function addMember(db: Kysely<any>, actor: Actor, input: MemberCreate): Promise<Member> {
  authorize(actor, 'create', 'members');
  if (!input.password) throw new AppError('validation_failed', 'password is required (12 characters or more).', 'password');
  const passwordHash = await hashPassword(input.password);
  return asActor(db, actor, async (trx) => {
    await checkTenantBinding(trx, input.role, input.tenantId);
    const existing = (await sql<any>`SELECT user_id FROM auth_find_user(${input.email})`.execute(trx)).rows[0];
    let userId: string;
    if (existing) {
      userId = existing.user_id;
      const already = await trx.selectFrom('memberships').select('user_id').where('user_id', '=', userId).executeTakeFirst();
      if (already) throw new AppError('conflict', 'This person is already a member.', 'email');
    } else {
      userId = randomUUID();
      await trx.insertInto('users').values({ user_id: userId, email: input.email, display_name: input.displayName, password_hash: passwordHash }).execute();
    }
    await trx.insertInto('memberships').values({ org_id: actor.orgId, user_id: userId, role: input.role, tenant_id: input.tenantId ?? null }).execute();
    await recordChange(trx, actor, { action: 'create', objectType: 'member', objectId: userId, objectSlug: input.email,
      tenantId: input.tenantId ?? null, summary: `Added ${input.email} as ${input.role}`,
    });
    return present((await baseQuery(trx).where('m.user_id', '=', userId).executeTakeFirst())!);
  });
}

async function ownerCount(trx: Transaction<any>): Promise<number> {
  const r = await trx.selectFrom('memberships').select(sql<string>`count(*)`.as('n')).where('role', '=', 'owner').executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function updateMember(db: Kysely<any>, actor: Actor, userId: string, patch: MemberUpdate): Promise<Member> {
  authorize(actor, 'update', 'members');
  return asActor(db, actor, async (trx) => {
    const current = await baseQuery(trx).where('m.user_id', '=', userId).executeTakeFirst();
    if (!current) throw new AppError('not_found', 'Member not found.');
    // An account is shared by every organization the person belongs to: renaming it from one organization
    // would change what the others see. Only the person renames themself.
    if (patch.displayName !== undefined && patch.displayName !== current.display_name && userId !== actor.userId) {
      throw new AppError('forbidden', 'A display name belongs to its person (it shows in every organization they are in); only they can change it.', 'displayName');
    }
    const role = patch.role ?? current.role;
    const tenantId = patch.tenantId !== undefined ? patch.tenantId : role === 'tenant-viewer' ? current.tenant_id : null;
    await checkTenantBinding(trx, role, tenantId);
    if (current.role === 'owner' && role !== 'owner' && (await ownerCount(trx)) <= 1) {
      throw new AppError('conflict', 'The organization needs at least one owner.', 'role');
    }
    await trx.updateTable('memberships').set({ role, tenant_id: tenantId ?? null }).where('user_id', '=', userId).execute();
    if (patch.displayName) await trx.updateTable('users').set({ display_name: patch.displayName, updated_at: sql`now()` }).where('user_id', '=', userId).execute();
    await recordChange(trx, actor, { action: 'update', objectType: 'member', objectId: userId, objectSlug: current.email,
      tenantId: tenantId ?? null, summary: `Role ${current.role} → ${role}`,
    });
    return present((await baseQuery(trx).where('m.user_id', '=', userId).executeTakeFirst())!);
  });
}

export async function removeMember(db: Kysely<any>, actor: Actor, userId: string): Promise<void> {
  authorize(actor, 'delete', 'members');
  await asActor(db, actor, async (trx) => {
    const current = await baseQuery(trx).where('m.user_id', '=', userId).executeTakeFirst();
    if (!current) throw new AppError('not_found', 'Member not found.');
    if (current.role === 'owner' && (await ownerCount(trx)) <= 1) throw new AppError('conflict', 'The organization needs at least one owner.');
    await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
    await recordChange(trx, actor, { action: 'delete', objectType: 'member', objectId: userId, objectSlug: current.email,
      tenantId: current.tenant_id, summary: `Removed ${current.email}`,
    });
  });
}
