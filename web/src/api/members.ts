import type { Role } from './types';

/** A member of the organization, as GET /api/members answers. */
export interface Member { userId: string; email: string; displayName: string; role: Role; tenantId: string | null; createdAt: string }

export const ROLES: Role[] = ['owner', 'isms-manager', 'engineer', 'auditor', 'tenant-viewer'];

/** What each role may do, in a few words (shown beside the role picker). */
export const ROLE_HELP: Record<Role, string> = {
  owner: 'everything, including members and the organization',
  'isms-manager': 'the whole ISMS model, the ledger and retention; reads members',
  engineer: 'systems and data flows; reads the rest',
  auditor: 'reads everything, changes nothing',
  'tenant-viewer': 'a customer: sees only its one tenant',
};
