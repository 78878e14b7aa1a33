import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import {
  RETENTION_CLASSES, type LegalHold, type LegalHoldInput, type RetentionClass, type RetentionPolicy, type RetentionPolicyInput, type SweepReport,
} from '../model/retention.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

function presentPolicy(actionClass: RetentionClass, r: any | undefined): RetentionPolicy {
  return { actionClass, retentionDays: r ? Number(r.retention_days) : null, rationale: r?.rationale ?? '', updatedAt: r?.updated_at ?? null };
}

function presentHold(r: any): LegalHold {
  return {
    id: r.id, tenantId: r.tenant_id, incidentReference: r.incident_reference, coversFrom: r.covers_from, coversTo: r.covers_to,
    reason: r.reason, createdAt: r.created_at, createdBy: r.created_by, releasedAt: r.released_at, releasedBy: r.released_by,
  };
}

/** Every class with its policy (or none: kept for ever), in a fixed order. */
export async function listPolicies(db: Kysely<any>, actor: Actor): Promise<RetentionPolicy[]> {
  authorize(actor, 'read', 'retention');
  const rows = await asActor(db, actor, (trx) => trx.selectFrom('retention_policies').selectAll().execute());
  return RETENTION_CLASSES.map((c) => presentPolicy(c, rows.find((r: any) => r.action_class === c)));
}

export async function setPolicy(db: Kysely<any>, actor: Actor, actionClass: RetentionClass, input: RetentionPolicyInput): Promise<RetentionPolicy> {
  authorize(actor, 'update', 'retention');
  return asActor(db, actor, async (trx) => {
    const before = await trx.selectFrom('retention_policies').selectAll().where('action_class', '=', actionClass).executeTakeFirst();
    await trx.insertInto('retention_policies')
      .values({ org_id: actor.orgId, action_class: actionClass, retention_days: input.retentionDays, rationale: input.rationale.trim() })
      .onConflict((oc) => oc.columns(['org_id', 'action_class']).doUpdateSet({ retention_days: input.retentionDays, rationale: input.rationale.trim(), updated_at: sql`now()` }))
      .execute();
    const after = await trx.selectFrom('retention_policies').selectAll().where('action_class', '=', actionClass).executeTakeFirstOrThrow();
    await recordChange(trx, actor, {
      action: before ? 'update' : 'create', objectType: 'retention-policy', objectId: null, objectSlug: actionClass, tenantId: null,
      summary: `Retention of ${actionClass}: ${input.retentionDays} days`, before, after,
    });
    return presentPolicy(actionClass, after);
  });
}

export async function deletePolicy(db: Kysely<any>, actor: Actor, actionClass: RetentionClass): Promise<void> {
  authorize(actor, 'delete', 'retention');
  await asActor(db, actor, async (trx) => {
    const before = await trx.selectFrom('retention_policies').selectAll().where('action_class', '=', actionClass).executeTakeFirst();
    if (!before) throw new AppError('not_found', `No retention policy is set for ${actionClass}.`);
    await trx.deleteFrom('retention_policies').where('action_class', '=', actionClass).execute();
    await recordChange(trx, actor, { action: 'delete', objectType: 'retention-policy', objectId: null, objectSlug: actionClass, tenantId: null, summary: `Retention of ${actionClass}: kept for ever`, before });
  });
}

export async function listHolds(db: Kysely<any>, actor: Actor): Promise<LegalHold[]> {
  authorize(actor, 'read', 'retention');
  const rows = await asActor(db, actor, (trx) => trx.selectFrom('legal_holds').selectAll().orderBy('created_at', 'desc').orderBy('id').execute());
  return rows.map(presentHold);
}

export async function createHold(db: Kysely<any>, actor: Actor, input: LegalHoldInput): Promise<LegalHold> {
  authorize(actor, 'create', 'retention');
  const incident = (input.incidentReference ?? '').trim();
  if (!input.tenantId && !incident) throw new AppError('validation_failed', 'A legal hold names a tenant or an incident reference.', 'tenantId');
  if (input.coversFrom && input.coversTo && Date.parse(input.coversFrom) >= Date.parse(input.coversTo)) {
    throw new AppError('invalid_value', 'coversFrom must be before coversTo.', 'coversTo');
  }
  return asActor(db, actor, async (trx) => {
    if (input.tenantId) {
      const tenant = await trx.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst();
      if (!tenant) throw new AppError('reference_not_found', `tenantId: no tenant with id ${input.tenantId} in this organization.`, 'tenantId');
    }
    const id = randomUUID();
    await trx.insertInto('legal_holds').values({
      org_id: actor.orgId, id, tenant_id: input.tenantId ?? null, incident_reference: incident, covers_from: input.coversFrom ?? null,
      covers_to: input.coversTo ?? null, reason: input.reason.trim(), created_by: actorLabel(actor),
    }).execute();
    const hold = presentHold(await trx.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    await recordChange(trx, actor, {
      action: 'create', objectType: 'legal-hold', objectId: id, objectSlug: incident, tenantId: input.tenantId ?? null,
      summary: `Legal hold placed${incident ? ` for ${incident}` : ''}`, after: hold,
    });
    return hold;
  });
}

export async function releaseHold(db: Kysely<any>, actor: Actor, id: string): Promise<LegalHold> {
  authorize(actor, 'update', 'retention');
  return asActor(db, actor, async (trx) => {
    const current = await trx.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw new AppError('not_found', 'Legal hold not found.');
    if (current.released_at) throw new AppError('conflict', 'This legal hold was already released.');
    await trx.updateTable('legal_holds').set({ released_at: sql`now()`, released_by: actorLabel(actor) }).where('id', '=', id).execute();
    const hold = presentHold(await trx.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    await recordChange(trx, actor, {
      action: 'release', objectType: 'legal-hold', objectId: id, objectSlug: hold.incidentReference, tenantId: hold.tenantId,
      summary: 'Legal hold released', before: presentHold(current), after: hold,
    });
    return hold;
  });
}

/**
 * Remove the payload and salt of every entry past its class's retention period that no active legal hold
 * covers. Leaf hashes stay: the tree, the checkpoints and every proof already issued still verify, and
 * `verify` counts these entries as expired, not tampered. The actor and summary columns go too (they are
 * copies of the payload, and may be personal data). The sweep itself is recorded in the ledger.
 */
export async function sweepRetention(db: Kysely<any>, actor: Actor, now = new Date()): Promise<SweepReport> {
  authorize(actor, 'update', 'retention');
  return asActor(db, actor, async (trx) => {
    const policies = await trx.selectFrom('retention_policies').select(['action_class', 'retention_days']).execute();
    const expired: Record<string, number> = {};
    let total = 0;
    for (const p of policies) {
      const n = await expireClass(trx, p.action_class as RetentionClass, Number(p.retention_days), now);
      if (n > 0) expired[p.action_class] = n;
      total += n;
    }
    const holds = await trx.selectFrom('legal_holds').select(sql<string>`count(*)`.as('n')).where('released_at', 'is', null).executeTakeFirst();
    const report: SweepReport = { sweptAt: now.toISOString(), expired, total, activeHolds: Number(holds?.n ?? 0) };
    await recordChange(trx, actor, {
      action: 'sweep', objectType: 'retention', objectId: null, objectSlug: '', tenantId: null,
      summary: `Retention sweep: ${total} entr${total === 1 ? 'y' : 'ies'} expired`, after: report,
    });
    return report;
  });
}

async function expireClass(trx: Trx, actionClass: RetentionClass, days: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const matchesClass = actionClass === 'change' ? sql`e.kind = 'change'` : sql`e.kind = 'event' AND e.action = ${actionClass}`;
  const result = await sql`
    UPDATE ledger_entries e SET payload = NULL, salt = NULL, expired_at = ${now.toISOString()}, actor = '', summary = ''
    WHERE e.expired_at IS NULL AND ${matchesClass}
      AND coalesce(e.occurred_at, e.at) < ${cutoff}
      AND NOT EXISTS (
        SELECT 1 FROM legal_holds h
        WHERE h.org_id = e.org_id AND h.released_at IS NULL
          AND (h.tenant_id IS NULL OR h.tenant_id = e.tenant_id)
          AND (h.covers_from IS NULL OR coalesce(e.occurred_at, e.at) >= h.covers_from)
          AND (h.covers_to IS NULL OR coalesce(e.occurred_at, e.at) < h.covers_to))`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
