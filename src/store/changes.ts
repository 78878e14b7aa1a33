import type { Transaction } from 'kysely';

export interface ChangeRecord {
  actor: string;
  action: 'create' | 'update' | 'delete' | 'apply';
  objectType: string;
  objectId: string | null;
  objectSlug: string;
  tenantId: string | null;
  summary: string;
}

/** Record a change in the same transaction as the change itself. */
export async function recordChange(trx: Transaction<any>, orgId: string, change: ChangeRecord): Promise<void> {
  await trx.insertInto('changes').values({
    org_id: orgId,
    actor: change.actor,
    action: change.action,
    object_type: change.objectType,
    object_id: change.objectId,
    object_slug: change.objectSlug,
    tenant_id: change.tenantId,
    summary: change.summary,
  }).execute();
}

export interface Change {
  id: string;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  objectSlug: string;
  summary: string;
}

export async function recentChanges(trx: Transaction<any>, limit: number): Promise<Change[]> {
  const rows = await trx.selectFrom('changes')
    .select(['id', 'at', 'actor', 'action', 'object_type', 'object_id', 'object_slug', 'summary'])
    .orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r: any) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, objectType: r.object_type, objectId: r.object_id, objectSlug: r.object_slug, summary: r.summary }));
}
