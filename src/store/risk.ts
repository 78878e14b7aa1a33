import { sql, type Transaction } from 'kysely';
import type { RiskLevel, RiskMethod } from '../model/risk-scoring.js';

type Trx = Transaction<any>;

export interface StoredRiskMethod { method: RiskMethod; updatedBy: string; updatedAt: string }

/** The organization's risk method, if it has set one (RLS: the context's organization only). */
export async function readRiskMethod(trx: Trx): Promise<StoredRiskMethod | undefined> {
  const row = await trx.selectFrom('risk_methods').select(['method', 'updated_by', 'updated_at']).executeTakeFirst();
  if (!row) return undefined;
  return { method: row.method as RiskMethod, updatedBy: row.updated_by as string, updatedAt: new Date(row.updated_at as string).toISOString() };
}

export async function writeRiskMethod(trx: Trx, orgId: string, method: RiskMethod, by: string): Promise<void> {
  await trx.insertInto('risk_methods').values({ org_id: orgId, method: JSON.stringify(method), updated_by: by })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ method: JSON.stringify(method), updated_by: by, updated_at: sql`now()` }))
    .execute();
}

/** An owner's sign-off of a risk's residual level. */
export interface RiskAcceptance {
  acceptedBy: string;
  acceptedByUser: string | null;
  acceptedAt: string;
  rationale: string;
  level: RiskLevel;
}

/** The sign-off of every accepted risk, by risk id. */
export async function readAcceptances(trx: Trx, ids?: readonly string[]): Promise<Map<string, RiskAcceptance>> {
  let qb = trx.selectFrom('risks').select(['id', 'accepted_by', 'accepted_by_user', 'accepted_at', 'acceptance_rationale', 'accepted_level'])
    .where('status', '=', 'accepted').where('accepted_at', 'is not', null);
  if (ids) {
    if (ids.length === 0) return new Map();
    qb = qb.where('id', 'in', ids as string[]);
  }
  const rows = await qb.execute();
  return new Map(rows.map((r) => [r.id as string, {
    acceptedBy: r.accepted_by as string,
    acceptedByUser: (r.accepted_by_user as string | null) ?? null,
    acceptedAt: new Date(r.accepted_at as string).toISOString(),
    rationale: r.acceptance_rationale as string,
    level: r.accepted_level as RiskLevel,
  }]));
}

/** Record the sign-off; the risk becomes "accepted". `at` defaults to now (a bundle carries its own). */
export async function writeAcceptance(trx: Trx, id: string, a: { by: string; byUser: string | null; rationale: string; level: RiskLevel; at?: string }): Promise<void> {
  await trx.updateTable('risks').set({
    status: 'accepted', accepted_by: a.by, accepted_by_user: a.byUser, accepted_at: a.at ?? sql`now()`,
    acceptance_rationale: a.rationale, accepted_level: a.level, updated_at: sql`now()`,
  }).where('id', '=', id).execute();
}
