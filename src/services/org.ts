import { sql, type Kysely } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize, can } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { RESOURCES } from '../model/index.js';
import { recentChanges, recordChange, type Change } from '../ledger/record.js';
import { asActor } from './resources.js';

export interface Org { id: string; slug: string; name: string; isDemo: boolean }

function present(r: any): Org {
  return { id: r.org_id, slug: r.slug, name: r.name, isDemo: r.is_demo };
}

export async function getOrg(db: Kysely<any>, actor: Actor): Promise<Org> {
  authorize(actor, 'read', 'org');
  const row = await asActor(db, actor, (trx) => trx.selectFrom('orgs').selectAll().executeTakeFirst());
  if (!row) throw new AppError('not_found', 'Organization not found.');
  return present(row);
}

export async function renameOrg(db: Kysely<any>, actor: Actor, name: string): Promise<Org> {
  authorize(actor, 'update', 'org');
  return asActor(db, actor, async (trx) => {
    await trx.updateTable('orgs').set({ name, updated_at: sql`now()` }).where('org_id', '=', actor.orgId).execute();
    await recordChange(trx, actor, { action: 'update', objectType: 'organization', objectId: actor.orgId, objectSlug: '', tenantId: null, summary: `Renamed organization to ${name}` });
    return present(await trx.selectFrom('orgs').selectAll().executeTakeFirstOrThrow());
  });
}

export interface Dashboard {
  counts: Record<string, number>;
  tenantsByTier: Record<string, number>;
  systemsOutOfScope: number;
  recentChanges: Change[];
}

/** Counts and recent changes for the organization's home page. */
export async function dashboard(db: Kysely<any>, actor: Actor): Promise<Dashboard> {
  authorize(actor, 'read', 'changes');
  return asActor(db, actor, async (trx) => {
    const counts: Record<string, number> = {};
    for (const def of RESOURCES) {
      if (!can(actor, 'read', def.name)) continue;
      const r = await trx.selectFrom(def.table).select(sql<string>`count(*)`.as('n')).executeTakeFirst();
      counts[def.name] = Number(r?.n ?? 0);
    }
    const tiers = await trx.selectFrom('tenants').select(['tier', sql<string>`count(*)`.as('n')]).groupBy('tier').execute();
    const out = await trx.selectFrom('systems').select(sql<string>`count(*)`.as('n')).where('in_scope', '=', false).executeTakeFirst();
    return {
      counts,
      tenantsByTier: Object.fromEntries(['A', 'B', 'C'].map((t) => [t, Number(tiers.find((x: any) => x.tier === t)?.n ?? 0)])),
      systemsOutOfScope: Number(out?.n ?? 0),
      recentChanges: await recentChanges(trx, 20),
    };
  });
}
