import type { Role } from '../model/member.js';
import type { RequestContext } from '../store/database.js';

export { ROLES, type Role } from '../model/member.js';

/** An authenticated principal acting within one organization (and, for a tenant-viewer, one tenant). */
export interface Actor {
  orgId: string;
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  /** The one customer tenant a tenant-viewer is bound to; null for every other role. */
  tenantId: string | null;
  via: 'session' | 'token' | 'cli';
  /** Session or token id, for the audit trail. */
  credentialId: string | null;
  /** The HTTP request acting (absent for the CLI), for the audit trail. */
  requestId?: string;
  sourceIp?: string;
}

/** The database context for an actor: a tenant-viewer's transactions are limited to its tenant by RLS. */
export function contextOf(actor: Actor): RequestContext {
  return { orgId: actor.orgId, tenantId: actor.tenantId, userId: actor.userId };
}

/** How the actor is named in change records. */
export function actorLabel(actor: Actor): string {
  return actor.via === 'token' ? `${actor.email} (API token)` : actor.via === 'cli' ? `${actor.email} (CLI)` : actor.email;
}
