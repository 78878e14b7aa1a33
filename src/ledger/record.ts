import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { canonicalJson } from './canonical-json.js';
import { appendEntries } from './tree-store.js';

type Trx = Transaction<any>;

/** One mutation, as the audit trail records it. */
export interface ChangeRecord {
  action: 'create' | 'update' | 'delete' | 'revoke' | 'release' | 'sweep' | 'login' | 'logout' | 'submit' | 'approve' | 'reject' | 'withdraw';
  objectType: string;
  objectId: string | null;
  objectSlug: string;
  /** The customer tenant the object belongs to; defaults to the actor's own tenant (a tenant-viewer's actions). */
  tenantId: string | null;
  summary: string;
  /** The object before and after; only their SHA-256 digests are recorded (the ledger holds no object copies). */
  before?: unknown;
  after?: unknown;
}

/** SHA-256 of the canonical JSON of an object: the same object always gives the same digest. */
export function objectDigest(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * Append the change to the organization's ledger inside the caller's transaction: the change and its entry
 * commit together or not at all. Every mutation of every service goes through here.
 */
export async function recordChange(trx: Trx, actor: Actor, change: ChangeRecord): Promise<void> {
  await appendEntries(trx, actor.orgId, [{
    kind: 'change',
    at: new Date().toISOString(),
    tenantId: change.tenantId ?? actor.tenantId,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId ?? '',
    actor: actorLabel(actor),
    summary: change.summary,
    details: {
      objectSlug: change.objectSlug,
      before: objectDigest(change.before),
      after: objectDigest(change.after),
      actorUserId: actor.userId,
      via: actor.via,
      credentialId: actor.credentialId,
      requestId: actor.requestId ?? null,
      sourceIp: actor.sourceIp ?? null,
    },
  }]);
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

/** The latest changes visible in this transaction's context (newest first). */
export async function recentChanges(trx: Trx, limit: number): Promise<Change[]> {
  const rows = await trx.selectFrom('ledger_entries')
    .select(['idx', 'at', 'actor', 'action', 'object_type', 'object_id', 'summary', 'payload'])
    .where('kind', '=', 'change').orderBy('idx', 'desc').limit(limit).execute();
  return rows.map((r: any) => ({
    id: String(r.idx), at: r.at, actor: r.actor, action: r.action, objectType: r.object_type,
    objectId: r.object_id || null, objectSlug: slugOf(r.payload), summary: r.summary,
  }));
}

function slugOf(payload: string | null): string {
  if (!payload) return '';
  try {
    return String((JSON.parse(payload) as { details?: { objectSlug?: unknown } }).details?.objectSlug ?? '');
  } catch {
    return '';
  }
}
