import { AppError } from '../api/errors.js';
import type { ResourceName } from '../model/resource.js';
import type { Actor, Role } from './actor.js';

export type Action = 'read' | 'create' | 'update' | 'delete';
export type Subject = ResourceName | 'members' | 'tokens' | 'org' | 'changes' | 'tenant-footprint' | 'bundle' | 'events' | 'retention' | 'ledger' | 'ledger-verify'
  | 'scope-statement' | 'scope-changes'
  | 'scope-analysis' | 'tenant-data-map'
  | 'catalogs' | 'frameworks' | 'soa' | 'soa-approval' | 'tenant-soa' | 'exception-approval' | 'risk-method' | 'risk-acceptance'
  | 'ropa' | 'raci' | 'vendor-reviews' | 'oscal';

const ALL: Action[] = ['read', 'create', 'update', 'delete'];
const READ: Action[] = ['read'];

/**
 * Who may do what, in one table. A tenant-viewer reads only its tenant and that tenant's footprint; the
 * database adds the tenant limit again (app.tenant_id policies). Tokens: every role manages its own.
 * Ledger: everyone reads entries, proofs, checkpoints and public keys (a tenant-viewer only its tenant's
 * entries, by RLS; proofs are salted hashes); a full recomputation reads every tenant's entries, so it is
 * `ledger-verify`, which a tenant-viewer lacks.
 * Scope: `scope-statement` read is the current approved statement (every role: it describes services, never
 * customers, and is what a certificate shows); its `create` is signing off a change request into a new
 * version. `scope-changes` is the version history and the change requests: engineers propose (create), only
 * owners and ISMS managers decide (update); a tenant-viewer sees none of it.
 * Scope analyses (findings, blast radius, every tenant's residency, service diagrams) name every tenant, so
 * they are `scope-analysis`, which a tenant-viewer lacks; its own tenant's data map, residency and diagram
 * are `tenant-data-map`.
 *
 * ISMS core (issue 6): `catalogs` are the shipped reference catalogs (every role but a tenant-viewer reads them);
 * `frameworks` are an organization's own control sets. `soa` read is the whole Statement of Applicability, its
 * update the applicability decisions; `soa-approval` (create) freezes a version, which only owners and ISMS managers
 * may do (an auditor gets 403). `tenant-soa` is one tenant's view (controls that apply to it): a tenant-viewer reads
 * only its own. Control implementations, evidence, exceptions, risks, interested parties and processing activities
 * are generic resources; engineers document implementations, collect evidence and propose exceptions and risks,
 * while deciding them (`exception-approval`, `risk-acceptance`, `risk-method`) is for owners and ISMS managers.
 * A tenant-viewer reads evidence (RLS limits it to its own tenant's and shared core evidence).
 * `ropa` read is downloading the records of processing (GDPR Art. 30): a tenant-viewer gets only its own customer's
 * processor record (its controller is that customer); the controller record, the provider's own, answers it 403.
 */
const MATRIX: Record<Role, Partial<Record<Subject, Action[]>>> = {
  owner: {
    'catalogs': READ, frameworks: ALL, soa: ['read', 'update'], 'soa-approval': ['read', 'create'], 'tenant-soa': READ,
    'control-implementations': ALL, evidence: ALL, 'control-exceptions': ALL, 'exception-approval': ['read', 'create'],
    risks: ALL, 'risk-method': ['read', 'update'], 'risk-acceptance': ['read', 'create'], 'interested-parties': ALL,
    'processing-activities': ALL, ropa: READ, raci: ALL, 'vendor-reviews': ALL, oscal: READ,
    'scope-analysis': READ, 'tenant-data-map': READ,
    services: ALL, vendors: ALL, tenants: ALL, systems: ALL, 'data-flows': ALL,
    members: ALL, tokens: ALL, org: ['read', 'update'], changes: READ, 'tenant-footprint': READ, bundle: ['read', 'update'], events: ['read', 'create'], retention: ALL,
    ledger: READ, 'ledger-verify': READ, 'scope-statement': ['read', 'create'], 'scope-changes': ['read', 'create', 'update'],
  },
  'isms-manager': {
    'catalogs': READ, frameworks: ALL, soa: ['read', 'update'], 'soa-approval': ['read', 'create'], 'tenant-soa': READ,
    'control-implementations': ALL, evidence: ALL, 'control-exceptions': ALL, 'exception-approval': ['read', 'create'],
    risks: ALL, 'risk-method': ['read', 'update'], 'risk-acceptance': ['read', 'create'], 'interested-parties': ALL,
    'processing-activities': ALL, ropa: READ, raci: ALL, 'vendor-reviews': ALL, oscal: READ,
    'scope-analysis': READ, 'tenant-data-map': READ,
    services: ALL, vendors: ALL, tenants: ALL, systems: ALL, 'data-flows': ALL,
    members: READ, tokens: ALL, org: READ, changes: READ, 'tenant-footprint': READ, bundle: ['read', 'update'], events: ['read', 'create'], retention: ALL,
    ledger: READ, 'ledger-verify': READ, 'scope-statement': ['read', 'create'], 'scope-changes': ['read', 'create', 'update'],
  },
  engineer: {
    'catalogs': READ, frameworks: READ, soa: READ, 'soa-approval': READ, 'tenant-soa': READ,
    'control-implementations': ALL, evidence: ALL, 'control-exceptions': ['read', 'create', 'update'], 'exception-approval': READ,
    risks: ['read', 'create', 'update'], 'risk-method': READ, 'risk-acceptance': READ, 'interested-parties': READ,
    'processing-activities': READ, ropa: READ, raci: READ, 'vendor-reviews': ['read', 'update'], oscal: READ,
    'scope-analysis': READ, 'tenant-data-map': READ,
    services: READ, vendors: READ, tenants: READ, systems: ALL, 'data-flows': ALL,
    members: READ, tokens: ALL, org: READ, changes: READ, 'tenant-footprint': READ, bundle: READ, events: ['read', 'create'], retention: READ,
    ledger: READ, 'ledger-verify': READ, 'scope-statement': READ, 'scope-changes': ['read', 'create'],
  },
  auditor: {
    'catalogs': READ, frameworks: READ, soa: READ, 'soa-approval': READ, 'tenant-soa': READ,
    'control-implementations': READ, evidence: READ, 'control-exceptions': READ, 'exception-approval': READ,
    risks: READ, 'risk-method': READ, 'risk-acceptance': READ, 'interested-parties': READ,
    'processing-activities': READ, ropa: READ, raci: READ, 'vendor-reviews': READ, oscal: READ,
    'scope-analysis': READ, 'tenant-data-map': READ,
    services: READ, vendors: READ, tenants: READ, systems: READ, 'data-flows': READ,
    members: READ, tokens: ALL, org: READ, changes: READ, 'tenant-footprint': READ, bundle: READ, events: READ, retention: READ,
    ledger: READ, 'ledger-verify': READ, 'scope-statement': READ, 'scope-changes': READ,
  },
  'tenant-viewer': {
    'tenant-soa': READ, evidence: READ, ropa: READ,
    'tenant-data-map': READ,
    tenants: READ, tokens: ALL, org: READ, 'tenant-footprint': READ, events: READ, ledger: READ, 'scope-statement': READ,
  },
};

export function can(actor: Pick<Actor, 'role'>, action: Action, subject: Subject): boolean {
  return MATRIX[actor.role][subject]?.includes(action) ?? false;
}

/** Throws `forbidden` unless the actor's role allows the action. */
export function authorize(actor: Pick<Actor, 'role'>, action: Action, subject: Subject): void {
  if (!can(actor, action, subject)) throw new AppError('forbidden', `Your role (${actor.role}) cannot ${action} ${subject}.`);
}

/** What the viewer may do with a kind of object; sent with responses so the web app hides buttons it would refuse. */
export function abilities(actor: Pick<Actor, 'role'>, subject: Subject): Record<Action, boolean> {
  return { read: can(actor, 'read', subject), create: can(actor, 'create', subject), update: can(actor, 'update', subject), delete: can(actor, 'delete', subject) };
}

/** The whole matrix for one role (GET /api/auth/me). */
export function permissionsOf(role: Role): Partial<Record<Subject, Action[]>> {
  return MATRIX[role];
}
