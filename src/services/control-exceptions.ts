import { sql, type Kysely } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import { controlExceptionResource } from '../model/control-exception.js';
import { todayUtc } from '../model/evidence.js';
import { allResources, getResource } from '../store/resource-store.js';
import { asActor } from './resources.js';

export type ExceptionDecision = 'approve' | 'reject';

/**
 * Approve or reject a proposed exception. Deciding is `exception-approval` (owners and ISMS managers), and never
 * by the person who wrote the exception's current content (403 separation_of_duties; the database checks it
 * again). An approval needs an expiry still in the future. Row lock, write and ledger entry in one transaction.
 */
export async function decideException(db: Kysely<any>, actor: Actor, id: string, decision: ExceptionDecision, note: string, today: string = todayUtc()): Promise<Record<string, unknown>> {
  authorize(actor, 'create', 'exception-approval');
  return asActor(db, actor, async (trx) => {
    const locked = await trx.selectFrom('control_exceptions').select(['status', 'proposed_by_user', 'expires_on']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) throw new AppError('not_found', 'Exception not found.');
    const current = (await getResource(trx, controlExceptionResource, id))!;
    if (locked.status !== 'proposed') {
      throw new AppError('conflict', `The exception is already ${locked.status}; change it to propose it again.`, 'status');
    }
    if (locked.proposed_by_user === actor.userId) {
      throw new AppError('separation_of_duties', 'You wrote this exception; another owner or ISMS manager must decide it.');
    }
    if (decision === 'approve' && String(locked.expires_on) <= today) {
      throw new AppError('invalid_value', 'The exception has already expired; set a new expiresOn before approving it.', 'expiresOn');
    }
    await trx.updateTable('control_exceptions').set({
      status: decision === 'approve' ? 'approved' : 'rejected',
      decided_by_user: actor.userId, decided_by: actorLabel(actor), decided_at: sql`now()`, decision_note: note.trim(),
    }).where('id', '=', id).execute();
    const after = (await getResource(trx, controlExceptionResource, id))!;
    await recordChange(trx, actor, {
      action: decision === 'approve' ? 'approve' : 'reject', objectType: controlExceptionResource.objectType, objectId: id,
      objectSlug: current.slug as string, tenantId: (current.tenantId as string | null) ?? null,
      summary: `${decision === 'approve' ? 'Approved' : 'Rejected'} exception ${current.slug as string} to control ${current.controlId as string}${note.trim() ? `: ${note.trim().slice(0, 200)}` : ''}`,
      before: current, after,
    });
    return after;
  });
}

/** Approved exceptions whose review date has passed or that expired while still approved: someone must act. */
export async function overdueExceptions(db: Kysely<any>, actor: Actor, today: string = todayUtc()): Promise<{ items: Record<string, unknown>[]; total: number }> {
  authorize(actor, 'read', 'control-exceptions');
  const all = await asActor(db, actor, (trx) => allResources(trx, controlExceptionResource));
  const items = all.filter((e) => (e.status === 'approved' || e.status === 'expired') && ((e.reviewOn as string) < today || (e.expiresOn as string) < today))
    .sort((a, b) => String(a.reviewOn).localeCompare(String(b.reviewOn)) || String(a.slug).localeCompare(String(b.slug)));
  return { items, total: items.length };
}
